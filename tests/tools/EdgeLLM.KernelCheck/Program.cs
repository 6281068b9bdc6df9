using System.Diagnostics;
using EdgeLLM.Runtime.Engines.Cpu.Kernels;
using EdgeLLM.Runtime.Engines.Cpu.Threading;
using EdgeLLM.Runtime.Tests.Engines.Cpu.Kernels;

// edgellm-kernel-check: every quantized-linear kernel this machine supports against the exact block sums, on one and
// two threads, the int8 activation codes against their definition, softmax and SwiGLU's vector exponential against
// double precision. Prints the detected kernel set, then one line per instruction set and one per other check; exit 0
// when all agree, 1 at the first disagreement (printed).
var detected = KernelSet.Detect();
Console.WriteLine($"detected: {detected.Isa} ({detected.Description})");
IReadOnlyList<KernelIsa> supported = KernelSet.Supported();
var checks = supported.ToDictionary(isa => isa, _ => 0);
using WorkerPool one = new(1), two = new(2);
WorkerPool[] pools = [one, two];
var clock = Stopwatch.StartNew();
foreach ((int bits, int blockSize, bool asymmetric, bool halfScales) in KernelAgreement.Formats())
{
    foreach (KernelCase kernelCase in KernelAgreement.Cases(bits, blockSize, asymmetric, halfScales))
    {
        foreach (KernelIsa isa in supported)
        {
            foreach (WorkerPool pool in pools)
            {
                string? disagreement = kernelCase.Disagreement(isa, pool);
                if (disagreement is not null)
                {
                    Console.WriteLine($"{isa}: DISAGREES: {disagreement}");
                    return 1;
                }

                checks[isa]++;
            }
        }
    }
}

foreach (KernelIsa isa in supported)
{
    Console.WriteLine($"{isa}: {checks[isa]} runs agree");
}

// Activation codes: every block size, natural and nibble order (ties round half to even on every vector path).
foreach (int blockSize in new[] { 16, 32, 64, 128, 256 })
{
    foreach (bool nibbleOrder in new[] { false, true })
    {
        if (KernelAgreement.ActivationCodesDisagreement(blockSize, nibbleOrder) is { } disagreement)
        {
            Console.WriteLine($"activations: DISAGREES: {disagreement}");
            return 1;
        }
    }
}

Console.WriteLine("activations: 10 layouts agree");

// Softmax: every length up to 70 (vector loops and tails) and long rows (attention over a long context).
int[] lengths = [.. Enumerable.Range(1, 70), 127, 128, 129, 1000, 4099];
foreach (int length in lengths)
{
    if (KernelAgreement.SoftmaxDisagreement(length) is { } disagreement)
    {
        Console.WriteLine($"softmax: DISAGREES: {disagreement}");
        return 1;
    }
}

Console.WriteLine($"softmax: {lengths.Length} lengths agree");

if (KernelAgreement.ExpDisagreement() is { } expDisagreement)
{
    Console.WriteLine($"exp: DISAGREES: {expDisagreement}");
    return 1;
}

Console.WriteLine("exp: agrees");

Console.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s");
return 0;
