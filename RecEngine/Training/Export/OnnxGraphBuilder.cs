using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

using RecEngine.Training.Network;
using RecEngine.Training.Datasets;
namespace RecEngine.Training.Export;

/// <summary>
/// Small helper over OnnxSharp's protobuf types (generated from onnx.proto) to write a graph node by node:
/// inputs and outputs with a symbolic batch dimension, float/int64 initializers, and the operators the
/// ranker uses. Names are made unique with a counter.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    public const string BatchDimension = "N";

    private readonly GraphProto _graph;
    private int _next;

    public OnnxGraphBuilder(string name) => _graph = new GraphProto { Name = name };

    public GraphProto Graph => _graph;

    public string Input(string name, TensorProto.Types.DataType type, long width)
    {
        _graph.Input.Add(ValueInfo(name, type, width));
        return name;
    }

    /// <summary>Declares an output of shape [N] (width null) or [N, width].</summary>
    public void Output(string name, TensorProto.Types.DataType type, long? width = null) => _graph.Output.Add(ValueInfo(name, type, width));

    public string Floats(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        // raw_data is little-endian by the ONNX spec, which is this machine's order.
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>An int64 scalar (dims empty), e.g. a Gather index that drops the axis.</summary>
    public string Int64Scalar(string name, long value)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Int64Data.Add(value);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>An int64 vector, e.g. Gather indices or the axes input of Unsqueeze and ReduceSum (opset 13+).</summary>
    public string Int64s(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public string Node(string opType, string[] inputs, string? output = null, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Unique(opType) };
        node.Input.AddRange(inputs);
        node.Output.Add(output ?? Unique(opType.ToLowerInvariant()));
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return node.Output[0];
    }

    /// <summary>y = x W^T + b for W stored [out, in] row-major (Gemm with transB = 1).</summary>
    public string Gemm(string x, string weights, string bias, string? output = null) =>
        Node("Gemm", [x, weights, bias], output, IntAttribute("transB", 1));

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public ModelProto ToModel(string producer, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var model = new ModelProto
        {
            // IR version 8 goes with opset 17 (onnx/docs/Versioning.md).
            IrVersion = 8,
            ProducerName = producer,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Ranking.RankerModelContract.OpsetVersion });
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    private string Unique(string name) => $"{name}_{_next++}";

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, long? width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        if (width is { } w)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = w });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
