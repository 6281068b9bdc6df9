namespace EdgeLLM.Runtime.Evaluation;

/// <summary>After each chunk: how many are done and the perplexity so far.</summary>
public readonly record struct EvaluationProgress(int ChunksDone, int ChunkCount, double Perplexity);
