namespace EdgeLLM.Format.ModelFolder;

/// <summary>edgellm.json's <c>model</c>: the decoder's dimensions and the RoPE its tables implement.</summary>
public sealed record ManifestModel(
    int Layers,
    int HiddenSize,
    int IntermediateSize,
    int Heads,
    int KvHeads,
    int HeadDim,
    int VocabSize,
    bool TiedEmbeddings,
    ManifestRope Rope);
