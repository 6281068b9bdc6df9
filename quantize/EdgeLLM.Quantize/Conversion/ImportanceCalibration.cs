using EdgeLLM.Quantize.Quantizers;

namespace EdgeLLM.Quantize.Conversion;

/// <summary>
/// Measures the importance of every Linear layer's input channels (a calibration text through the full-precision
/// model) for a conversion to int4/int8. <paramref name="scratchFolder"/> is a folder inside the conversion's staging
/// area that does not exist yet: the calibration may write a full-precision model folder there; the converter removes
/// it afterwards, whatever happened. <paramref name="progress"/> (the conversion's, or null) hears how far it is.
/// </summary>
public delegate ChannelImportance ImportanceCalibration(string scratchFolder, IProgress<ConversionProgress>? progress, CancellationToken cancellation);
