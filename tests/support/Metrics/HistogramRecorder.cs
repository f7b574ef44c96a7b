using System.Diagnostics.Metrics;

namespace WebChat.Tests.Support.Metrics;

/// <summary>Collects what one histogram records, from any thread, until disposed.</summary>
public sealed class HistogramRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<double> _values = [];

    public HistogramRecorder(Histogram<double> histogram)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument, histogram))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (_values)
            {
                _values.Add(value);
            }
        });
        _listener.Start();
    }

    /// <summary>A copy of the values recorded so far.</summary>
    public IReadOnlyList<double> Values
    {
        get
        {
            lock (_values)
            {
                return [.. _values];
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
