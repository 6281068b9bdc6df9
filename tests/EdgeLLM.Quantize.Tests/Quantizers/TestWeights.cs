namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>Seeded pseudo-random test matrices: roughly normal values with a few outliers, like trained weights.</summary>
internal static class TestWeights
{
    public static float[] Normal(int count, int seed, double outlierRate = 0.01)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            // Box-Muller; 1 - NextDouble() keeps the logarithm finite.
            double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            double scale = random.NextDouble() < outlierRate ? 0.2 : 0.02;
            values[i] = (float)(gaussian * scale);
        }

        return values;
    }
}
