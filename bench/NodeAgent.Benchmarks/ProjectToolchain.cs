using BenchmarkDotNet.Characteristics;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains;
using BenchmarkDotNet.Toolchains.CsProj;
using BenchmarkDotNet.Validators;

namespace NodeAgent.Benchmarks;

/// <summary>
/// BenchmarkDotNet's own toolchain, told where this project is. By default it looks for the project by listing every
/// file below the solution folder, following symbolic links, and the sysfs fixtures under tests/fixtures hold link
/// cycles (as the real /sys does): the listing never ends. The project is instead found by walking up from the
/// build output (bin/Release/net10.0).
/// </summary>
internal sealed class ProjectToolchain : Toolchain
{
    private static readonly IToolchain Standard = CsProjCoreToolchain.NetCoreApp10_0;

    private ProjectToolchain()
        : base("CsProjCore (NodeAgent.Benchmarks.csproj)", new ProjectGenerator(), Standard.Builder, Standard.Executor)
    {
    }

    public static ProjectToolchain Instance { get; } = new();

    public override IEnumerable<ValidationError> Validate(BenchmarkCase benchmarkCase, IResolver resolver) =>
        Standard.Validate(benchmarkCase, resolver);

    private sealed class ProjectGenerator : CsProjGenerator
    {
        private const string ProjectFileName = "NodeAgent.Benchmarks.csproj";

        // null: BenchmarkDotNet's defaults (dotnet on PATH, the default packages folder and runtime), as CsProjCoreToolchain passes them.
        public ProjectGenerator()
            : base("net10.0", cliPath: null!, packagesPath: null!, runtimeFrameworkVersion: null!, isNetCore: true)
        {
        }

        protected override FileInfo GetProjectFilePath(Type benchmarkTarget, ILogger logger)
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                var project = new FileInfo(Path.Combine(directory.FullName, ProjectFileName));
                if (project.Exists)
                {
                    return project;
                }
            }

            throw new FileNotFoundException($"{ProjectFileName} is not in a folder above {AppContext.BaseDirectory}");
        }
    }
}
