using Terminal.Gui.Input;

namespace EdgeLLM.Tui;

/// <summary>Every key of the chat window, in one place (the help dialog lists them from here).</summary>
public static class KeyMap
{
    public static readonly Key Help = Key.F1;
    public static readonly Key Settings = Key.F2;
    public static readonly Key SwitchModel = Key.F3;
    public static readonly Key DeviceInfo = Key.F4;
    public static readonly Key NewChat = Key.N.WithCtrl;
    public static readonly Key SaveTranscript = Key.S.WithCtrl;
    public static readonly Key ToggleReasoning = Key.T.WithCtrl;
    public static readonly Key Quit = Key.Q.WithCtrl;
    public static readonly Key Stop = Key.Esc;

    /// <summary>Ctrl-C: stops the reply (as Esc); pressed again, quits.</summary>
    public static readonly Key Interrupt = Key.C.WithCtrl;

    public const string HelpText =
        "Enter              send the message\n" +
        "Ctrl+J, Alt+Enter  new line in the message\n" +
        "Up / Down          previous / next sent message\n" +
        "Esc                stop the reply (keeps what was written)\n" +
        "Ctrl+C             stop the reply; pressed again, quit\n" +
        "PageUp / PageDown  scroll the conversation\n" +
        "Tab                message <-> conversation (arrows scroll)\n" +
        "Ctrl+T             show / hide the reasoning blocks\n" +
        "Ctrl+N             new chat\n" +
        "Ctrl+S             save the chat as Markdown\n" +
        "F1                 this help\n" +
        "F2                 settings\n" +
        "F3                 switch model\n" +
        "F4                 device info\n" +
        "Ctrl+Q             quit\n" +
        "\n" +
        "Status line: model precision | provider threads | prompt/reply\n" +
        "tokens per second | context used/limit | process memory";
}
