using System.Numerics;

namespace EdgeLLM.Runtime.Sampling;

/// <summary>
/// Quickselect over distinct 64-bit keys: moves the <c>count</c> largest keys to the end of the span
/// without sorting them, in linear time on average (a depth limit falls back to sorting the rest,
/// so the worst case stays O(n log n)).
/// </summary>
internal static class PartialSelection
{
    /// <summary>
    /// Afterwards <c>keys[^count..]</c> hold the <paramref name="count"/> largest keys, and
    /// <c>keys[^count]</c> is the smallest of them (the count-th largest overall); every key before it is smaller.
    /// </summary>
    public static void SelectLargest(Span<ulong> keys, int count)
    {
        if (count <= 0 || count > keys.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"must be in 1..{keys.Length}");
        }

        int target = keys.Length - count;
        int left = 0;
        int right = keys.Length - 1;
        int depthLeft = (2 * BitOperations.Log2((uint)keys.Length)) + 4;
        while (right > left)
        {
            if (depthLeft-- == 0)
            {
                keys[left..(right + 1)].Sort();
                return;
            }

            ulong pivot = MedianOfThree(keys[left], keys[left + ((right - left) / 2)], keys[right]);
            int low = left;
            int high = right;
            while (low <= high)
            {
                while (keys[low] < pivot)
                {
                    low++;
                }

                while (keys[high] > pivot)
                {
                    high--;
                }

                if (low <= high)
                {
                    (keys[low], keys[high]) = (keys[high], keys[low]);
                    low++;
                    high--;
                }
            }

            // Now keys[left..high] <= pivot <= keys[low..right]; anything in between equals the pivot.
            if (target <= high)
            {
                right = high;
            }
            else if (target >= low)
            {
                left = low;
            }
            else
            {
                return;
            }
        }
    }

    private static ulong MedianOfThree(ulong first, ulong second, ulong third)
    {
        if (first > second)
        {
            (first, second) = (second, first);
        }

        if (second > third)
        {
            second = third;
        }

        return first > second ? first : second;
    }
}
