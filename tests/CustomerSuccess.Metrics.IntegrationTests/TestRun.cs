using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("CustomerSuccess.Metrics.IntegrationTests.TestRun", "CustomerSuccess.Metrics.IntegrationTests")]

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// xUnit's own test framework, which also stops the run's private PostgreSQL (and RabbitMQ) before it reports the run as
/// finished. Any later is too late: once the run is reported finished, the test platform gives the test host
/// 100 ms to exit (VSTEST_TESTHOST_SHUTDOWN_TIMEOUT) and then kills it, and xUnit disposes its framework
/// without waiting, so the server's watchdog would still be at work when <c>dotnet test</c> returns.
/// </summary>
public sealed class TestRun(IMessageSink diagnosticMessageSink) : XunitTestFramework(diagnosticMessageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformation, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformation, diagnosticMessageSink)
    {
        protected override async void RunTestCases(
            IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new AssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class AssemblyRunner(
        ITestAssembly testAssembly, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink,
        IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        protected override async Task BeforeTestAssemblyFinishedAsync()
        {
            TestDatabase.Stop();
            TestBroker.Stop();
            await base.BeforeTestAssemblyFinishedAsync();
        }
    }
}
