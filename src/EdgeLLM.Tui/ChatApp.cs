using Terminal.Gui.App;

namespace EdgeLLM.Tui;

/// <summary>Runs the chat text UI on the console until the person quits.</summary>
public static class ChatApp
{
    public static int Run(ChatAppOptions options)
    {
        using IApplication app = Application.Create().Init();
        using var window = new ChatWindow(app, options);
        app.Run(window);
        return 0;
    }
}
