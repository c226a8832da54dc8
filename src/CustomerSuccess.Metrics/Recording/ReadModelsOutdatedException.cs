namespace CustomerSuccess.Metrics.Recording;

/// <summary>The read models the write side relies on are missing and must be rebuilt from the event log first.</summary>
public sealed class ReadModelsOutdatedException(string message) : Exception(message);
