using EdgeLLM.Devices.Hardware;

namespace EdgeLLM.Devices.Tests.Hardware;

public sealed class BoardModelTests
{
    [Theory]
    [InlineData(Captures.Pi4DeviceTreeModel, "Raspberry Pi 4 Model B Rev 1.4", 4)]
    [InlineData(Captures.Pi5DeviceTreeModel, "Raspberry Pi 5 Model B Rev 1.0", 5)]
    [InlineData(Captures.Pi400DeviceTreeModel, "Raspberry Pi 400 Rev 1.0", 4)]
    [InlineData(Captures.ComputeModule4DeviceTreeModel, "Raspberry Pi Compute Module 4 Rev 1.0", 4)]
    [InlineData(Captures.Pi3DeviceTreeModel, "Raspberry Pi 3 Model B Plus Rev 1.3", 3)]
    public void RaspberryPiModels_GiveTheirGeneration(string deviceTree, string name, int generation)
    {
        BoardModel board = BoardModel.Parse(deviceTree);

        Assert.Equal(name, board.Name);
        Assert.True(board.IsRaspberryPi);
        Assert.Equal(generation, board.RaspberryPiGeneration);
    }

    [Fact]
    public void PiZero2_IsAPiWithoutANumberedGeneration()
    {
        BoardModel board = BoardModel.Parse(Captures.PiZero2DeviceTreeModel);

        Assert.True(board.IsRaspberryPi);
        Assert.Null(board.RaspberryPiGeneration);
    }

    [Fact]
    public void OtherBoards_AreNotPis()
    {
        BoardModel board = BoardModel.Parse(Captures.Rock5DeviceTreeModel);

        Assert.Equal("Radxa ROCK 5B", board.Name);
        Assert.False(board.IsRaspberryPi);
        Assert.Null(board.RaspberryPiGeneration);
    }
}
