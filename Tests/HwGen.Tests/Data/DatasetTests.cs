using HwGen.Data;
using HwGen.IO;

namespace HwGen.Tests.Data;

public class DatasetTests
{
    private static NpyArray Floats(int[] shape, params double[] values) => Npy.Create(NpyType.Float32, shape, values);

    private static NpyArray Labels(params double[] values) => Npy.Create(NpyType.UInt8, [values.Length], values);

    [Fact]
    public void The_mnist_test_split_loads_with_its_labels()
    {
        var data = DatasetLoader.LoadNpz(Onnx.OnnxModels.MnistTest, displayName: "mnist-test.npz");

        data.Count.ShouldBe(2000);
        data.Width.ShouldBe(784);
        data.Labels.ShouldNotBeNull().Length.ShouldBe(2000);
        data.Labels.Distinct().Order().ShouldBe(Enumerable.Range(0, 10));
        data.Inputs.Max().ShouldBeLessThan(1.0);
        data.Inputs.Min().ShouldBe(0.0);
        (data.Origin, data.InputsArray, data.LabelsFile, data.LabelsArray).ShouldBe(("mnist-test.npz", "x", "mnist-test.npz", "y"));
        data.CheckAgainst(784, 10);
    }

    [Fact]
    public void Image_shaped_inputs_are_flattened_in_c_order()
    {
        using var dir = new TempFolder("dataset");
        string path = dir.File("images.npz");
        Npy.WriteNpz(path, [new("x", Floats([2, 1, 2, 3], 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)), new("y", Labels(1, 0))]);

        var data = DatasetLoader.LoadNpz(path);

        data.Width.ShouldBe(6);
        data.Input(1).ToArray().ShouldBe([6, 7, 8, 9, 10, 11]);
        data.Labels.ShouldBe([1, 0]);
    }

    [Fact]
    public void A_pair_of_npy_files_loads_and_other_array_names_can_be_chosen()
    {
        using var dir = new TempFolder("dataset");
        Npy.WriteNpy(dir.File("x.npy"), Floats([3, 2], 1, 2, 3, 4, 5, 6));
        Npy.WriteNpy(dir.File("y.npy"), Npy.Create(NpyType.Int32, [3, 1], [2, 0, 1]));
        Npy.WriteNpz(dir.File("d.npz"), [new("images", Floats([3, 2], 1, 2, 3, 4, 5, 6)), new("digits", Labels(2, 0, 1))]);

        var pair = DatasetLoader.LoadNpy(dir.File("x.npy"), dir.File("y.npy"));
        var named = DatasetLoader.LoadNpz(dir.File("d.npz"), "images", "digits");

        pair.Labels.ShouldBe([2, 0, 1]);
        named.Labels.ShouldBe([2, 0, 1]);
        named.Inputs.ShouldBe(pair.Inputs);
    }

    [Fact]
    public void A_width_that_differs_from_the_model_is_an_error_naming_file_and_array()
    {
        var data = DatasetLoader.LoadNpz(Onnx.OnnxModels.MnistTest, displayName: "mnist-test.npz");

        var e = Should.Throw<DatasetException>(() => data.CheckAgainst(100, 10));

        e.Message.ShouldBe("mnist-test.npz['x']: vectors have 784 elements but the model takes 100 inputs");
    }

    [Fact]
    public void A_label_out_of_range_is_an_error_naming_the_vector()
    {
        var data = DatasetLoader.LoadNpz(Onnx.OnnxModels.MnistTest, displayName: "mnist-test.npz");
        int first = Array.FindIndex(data.Labels!, l => l >= 5);

        var e = Should.Throw<DatasetException>(() => data.CheckAgainst(784, 5));

        e.Array.ShouldBe("y");
        e.Message.ShouldBe($"mnist-test.npz['y']: label {data.Labels![first]} of vector {first} is outside 0..4 (the model has 5 outputs)");
    }

    [Theory]
    [InlineData("missing-inputs", "d.npz['x']: no such array (it holds 'a', 'y')")]
    [InlineData("missing-labels", "d.npz['y']: no such array (it holds 'x')")]
    [InlineData("count-mismatch", "d.npz['y']: 3 labels for 2 input vectors")]
    [InlineData("float-labels", "d.npz['y']: labels must be integers, not Float32")]
    [InlineData("rank-one", "d.npz['x']: inputs must have shape (N, size) or (N, d1, d2, ...), not (4,)")]
    [InlineData("two-d-labels", "d.npz['y']: labels must have shape (N,) or (N, 1), not (2, 2)")]
    [InlineData("nan", "d.npz['x']: element 1 of vector 0 is NaN; inputs must be finite")]
    public void Malformed_datasets_are_typed_errors_naming_file_and_array(string kind, string message)
    {
        using var dir = new TempFolder("dataset");
        string path = dir.File("d.npz");
        var x = Floats([2, 2], 1, 2, 3, 4);
        var y = Labels(0, 1);
        List<KeyValuePair<string, NpyArray>> arrays = kind switch
        {
            "missing-inputs" => [new("a", x), new("y", y)],
            "missing-labels" => [new("x", x)],
            "count-mismatch" => [new("x", x), new("y", Labels(0, 1, 1))],
            "float-labels" => [new("x", x), new("y", Floats([2], 0, 1))],
            "rank-one" => [new("x", Floats([4], 1, 2, 3, 4)), new("y", y)],
            "two-d-labels" => [new("x", x), new("y", Npy.Create(NpyType.UInt8, [2, 2], [0, 1, 1, 0]))],
            "nan" => [new("x", Floats([2, 2], 1, double.NaN, 3, 4)), new("y", y)],
            _ => throw new ArgumentException(kind),
        };
        Npy.WriteNpz(path, arrays);

        var e = Should.Throw<DatasetException>(() => DatasetLoader.LoadNpz(path, displayName: "d.npz"));

        e.Message.ShouldBe(message);
    }

    [Fact]
    public void Missing_and_unreadable_files_are_typed_errors()
    {
        using var dir = new TempFolder("dataset");
        string text = dir.Write("d.npz", "not a zip");

        Should.Throw<DatasetException>(() => DatasetLoader.LoadNpz(dir.File("none.npz"), displayName: "none.npz")).Message.ShouldBe("none.npz: no such file");
        Should.Throw<DatasetException>(() => DatasetLoader.LoadNpz(text, displayName: "d.npz")).Message.ShouldStartWith("d.npz: not an .npz archive");
        Should.Throw<DatasetException>(() => DatasetLoader.LoadNpy(text, null, "d.npy")).Message.ShouldStartWith("d.npy: ");
    }

    [Fact]
    public void Asking_for_more_vectors_than_the_dataset_holds_is_an_error()
    {
        var data = DatasetLoader.LoadNpz(Onnx.OnnxModels.MnistTest, displayName: "mnist-test.npz");

        data.Take(10).Labels.ShouldBe(data.Labels![..10]);
        Should.Throw<DatasetException>(() => data.Take(2001)).Message.ShouldBe("mnist-test.npz['x']: 2001 vectors were asked for but the dataset holds 2000");
    }
}
