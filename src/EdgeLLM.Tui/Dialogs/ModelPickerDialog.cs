using System.Collections.ObjectModel;
using EdgeLLM.Tui.Models;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace EdgeLLM.Tui.Dialogs;

/// <summary>Lists the models found and lets the person pick one (Enter or Open).</summary>
internal sealed class ModelPickerDialog : Dialog
{
    private readonly IReadOnlyList<ModelEntry> models;
    private readonly ListView list;

    public ModelPickerDialog(IReadOnlyList<ModelEntry> models, string? preselectedFolder)
    {
        this.models = models;
        Title = "Pick a model";
        var names = new ObservableCollection<string>(models.Select(model => $"{model.Name}  ({model.Folder})"));
        list = new ListView
        {
            X = 0,
            Y = 0,
            Width = Dim.Fill(),
            Height = Math.Clamp(models.Count, 1, 12),
        };
        list.SetSource(names);
        int preselected = models.Select(model => model.Folder).ToList().IndexOf(preselectedFolder ?? string.Empty);
        list.SelectedItem = Math.Max(0, preselected);
        Width = Dim.Percent(90);
        Add(list);
        AddButton(new Button { Text = "Cancel" });
        AddButton(new Button { Text = "Open" });
    }

    /// <summary>The chosen model, or null when cancelled.</summary>
    public ModelEntry? Chosen => Result == 1 && list.SelectedItem is { } index && index < models.Count ? models[index] : null;
}
