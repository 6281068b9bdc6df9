namespace EdgeLLM.Format.ModelFolder;

/// <summary>edgellm.json's <c>quantization.calibration</c>: the text whose activations weighted the scale search.</summary>
/// <param name="Text">"built-in" or the calibration file's name.</param>
/// <param name="Tokens">Tokens of the text that ran through the model.</param>
/// <param name="WeightedTensors">How many weights had an importance row.</param>
/// <param name="GptqTensors">How many weights were rounded with GPTQ's error feedback (<c>quantize --gptq</c>; 0 without).</param>
public sealed record CalibrationSummary(string Text, long Tokens, int WeightedTensors, int GptqTensors = 0);
