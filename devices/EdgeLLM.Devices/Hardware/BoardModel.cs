using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeLLM.Devices.Hardware;

/// <summary>
/// The board as the device tree names it (/proc/device-tree/model, NUL-terminated), with the
/// Raspberry Pi generation read from it: "Raspberry Pi 4 Model B Rev 1.4" and "Raspberry Pi 400"
/// and "Raspberry Pi Compute Module 4" are generation 4.
/// </summary>
public sealed partial record BoardModel(string Name, int? RaspberryPiGeneration)
{
    public bool IsRaspberryPi => Name.StartsWith("Raspberry Pi", StringComparison.Ordinal);

    public static BoardModel Parse(string deviceTreeModel)
    {
        ArgumentNullException.ThrowIfNull(deviceTreeModel);
        string name = deviceTreeModel.TrimEnd('\0', '\n', ' ').Trim();
        Match match = GenerationPattern().Match(name);
        int? generation = match.Success
            ? int.Parse(match.Groups["generation"].Value, CultureInfo.InvariantCulture)
            : null;
        return new BoardModel(name, generation);
    }

    // "Raspberry Pi 5 Model B", "Raspberry Pi 400", "Raspberry Pi Compute Module 4"; not "Raspberry Pi Zero 2 W".
    [GeneratedRegex(@"^Raspberry Pi (?:Compute Module )?(?<generation>[1-9])(?:00)?\b", RegexOptions.CultureInvariant)]
    private static partial Regex GenerationPattern();
}
