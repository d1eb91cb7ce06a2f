namespace RecEngine.Ranking;

/// <summary>A ranker model file that cannot serve: not ONNX at all, or ONNX with the wrong interface.</summary>
internal sealed class RankerModelException : Exception
{
    public RankerModelException()
    {
    }

    public RankerModelException(string message)
        : base(message)
    {
    }

    public RankerModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
