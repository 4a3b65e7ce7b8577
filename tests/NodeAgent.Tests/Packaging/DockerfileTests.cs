using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Packaging;

/// <summary>
/// Static checks of the container build (Dockerfile and .dockerignore at the repository root, the repository being
/// the build context): it parses, it is multi-stage with no SDK in the shipped image, everything it copies is in the
/// context, it publishes the way the README does, and the chiseled final stage runs the binary without a shell.
/// </summary>
public sealed class DockerfileTests
{
    private const string PublishCommand = "dotnet publish src/NodeAgent -c Release";
    private const string BinaryName = "node-agent";

    // https://docs.docker.com/reference/dockerfile/#overview
    private static readonly HashSet<string> KnownInstructions = new(StringComparer.Ordinal)
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER",
        "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    };

    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "sh", "bash", "ash", "dash", "zsh" };

    private static readonly string Root = Repository.Root;

    private readonly DockerfileModel _dockerfile = DockerfileModel.Parse(File.ReadAllText(Path.Combine(Root, "Dockerfile")));

    private DockerStage FinalStage => _dockerfile.Stages[^1];

    [Fact]
    public void Dockerfile_Parses_IntoKnownInstructions()
    {
        Assert.NotEmpty(_dockerfile.Instructions);
        foreach (var instruction in _dockerfile.Instructions)
        {
            Assert.True(KnownInstructions.Contains(instruction.Keyword), $"line {instruction.Line}: unknown instruction {instruction.Keyword}");
            Assert.False(string.IsNullOrWhiteSpace(instruction.Arguments), $"line {instruction.Line}: {instruction.Keyword} has no arguments");
        }

        // Only ARG may come before the first FROM.
        Assert.True(_dockerfile.Instructions[0].Keyword is "FROM" or "ARG", "a Dockerfile starts with FROM (or ARG)");
        Assert.All(_dockerfile.Instructions.TakeWhile(i => i.Keyword != "FROM"), i => Assert.Equal("ARG", i.Keyword));
    }

    [Fact]
    public void Dockerfile_IsMultiStage_CopiesOnlyFromEarlierStages_AndShipsNoSdk()
    {
        var stages = _dockerfile.Stages;
        Assert.True(stages.Count >= 2, $"expected a build stage and a runtime stage, found {stages.Count} FROM");

        foreach (var stage in stages)
        {
            foreach (var copy in stage.Instructions.Where(i => i.Keyword is "COPY" or "ADD"))
            {
                if (copy.Flag("from") is { } from)
                {
                    Assert.True(
                        stages.Take(stage.Index).Any(s => s.Matches(from)),
                        $"line {copy.Line}: COPY --from={from} does not name a stage before stage {stage.Index} ({stage.Name ?? stage.BaseImage})");
                }
            }
        }

        Assert.Contains(stages.SkipLast(1), s => s.BaseImage.Contains("dotnet/sdk", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("/sdk", FinalStage.BaseImage, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(FinalStage.Instructions, i => i.Keyword == "COPY" && i.Flag("from") is not null);
    }

    [Fact]
    public void Dockerfile_CopiesOnlyWhatExistsInTheBuildContext_AndNotIgnored()
    {
        var ignore = DockerIgnore.Load(Path.Combine(Root, ".dockerignore"));
        var copies = _dockerfile.Instructions.Where(i => i.Keyword is "COPY" or "ADD" && i.Flag("from") is null).ToList();
        Assert.NotEmpty(copies);

        foreach (var copy in copies)
        {
            var operands = copy.Operands();
            Assert.True(operands.Count >= 2, $"line {copy.Line}: {copy.Keyword} needs a source and a destination");
            foreach (var source in operands.SkipLast(1).Select(DockerIgnore.Normalize))
            {
                Assert.False(source.StartsWith("..", StringComparison.Ordinal), $"line {copy.Line}: {source} is outside the build context");
                var full = Path.Combine(Root, source);
                Assert.True(File.Exists(full) || Directory.Exists(full), $"line {copy.Line}: {source} does not exist in the repository");
                Assert.False(ignore.IsExcluded(source), $"line {copy.Line}: {source} is excluded by .dockerignore");

                if (Directory.Exists(full))
                {
                    // Sources go in; a developer's local bin/ and obj/ (project.assets.json with host paths) must not.
                    foreach (var file in Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories))
                    {
                        var relative = Path.GetRelativePath(Root, file).Replace('\\', '/');
                        var isBuildOutput = relative.Split('/').Any(part => part is "bin" or "obj");
                        Assert.True(isBuildOutput == ignore.IsExcluded(relative), $"{relative}: build output must be ignored and sources must not");
                    }
                }
            }
        }

        Assert.True(ignore.IsExcluded("src/NodeAgent/obj/project.assets.json"), "obj/ must be kept out of the build context");
        Assert.True(ignore.IsExcluded("src/NodeAgent/bin/Release/net10.0/node-agent.dll"), "bin/ must be kept out of the build context");
    }

    [Fact]
    public void BuildStage_PublishesTheWayTheReadmeDoes()
    {
        var (stage, run) = FindPublish();
        Assert.NotSame(FinalStage, stage);
        Assert.Contains(PublishCommand, DockerfileModel.CollapseWhitespace(run.Arguments), StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_DocumentsTheSamePublishCommand()
    {
        var readme = Path.Combine(Root, "README.md");
        Assert.True(File.Exists(readme), "README.md is missing: it must document how the image's binary is built");
        Assert.Contains(PublishCommand, DockerfileModel.CollapseWhitespace(File.ReadAllText(readme)), StringComparison.Ordinal);
    }

    [Fact]
    public void FinalStage_RunsThePublishedBinary_WithoutAShell()
    {
        var (buildStage, publish) = FindPublish();
        var words = DockerfileModel.CollapseWhitespace(publish.Arguments).Split(' ');
        var output = words.SkipWhile(w => w is not ("-o" or "--output")).Skip(1).FirstOrDefault();
        Assert.True(output is { Length: > 0 }, $"line {publish.Line}: the publish names no output directory (-o)");
        Assert.NotNull(output);
        var publishedBinary = output.TrimEnd('/') + "/" + BinaryName;

        var entrypoint = Assert.Single(FinalStage.Instructions, i => i.Keyword == "ENTRYPOINT");
        Assert.True(entrypoint.IsExecForm, $"line {entrypoint.Line}: ENTRYPOINT in shell form needs /bin/sh, which a chiseled image lacks");
        var argv = entrypoint.ExecArguments();
        Assert.NotEmpty(argv);
        Assert.StartsWith("/", argv[0], StringComparison.Ordinal);
        Assert.Equal(BinaryName, argv[0].Split('/')[^1]);

        // The ENTRYPOINT's path is where a COPY from the publishing stage put the published binary.
        var workdir = "/";
        var placed = new List<string>();
        foreach (var instruction in FinalStage.Instructions)
        {
            if (instruction.Keyword == "WORKDIR")
            {
                workdir = Resolve(workdir, instruction.Arguments.Trim());
            }
            else if (instruction.Keyword == "COPY" && instruction.Flag("from") is { } from && buildStage.Matches(from))
            {
                var operands = instruction.Operands();
                var destination = Resolve(workdir, operands[^1]);
                if (operands.SkipLast(1).Contains(publishedBinary))
                {
                    placed.Add(operands.Count > 2 || operands[^1].EndsWith('/') ? destination.TrimEnd('/') + "/" + BinaryName : destination);
                }
            }
        }

        Assert.Contains(argv[0], placed);

        foreach (var instruction in FinalStage.Instructions)
        {
            Assert.NotEqual("SHELL", instruction.Keyword);
            if (instruction.Keyword is "RUN" or "CMD")
            {
                Assert.True(instruction.IsExecForm, $"line {instruction.Line}: {instruction.Keyword} in shell form needs /bin/sh");
                var program = instruction.ExecArguments() is [var first, ..] ? first : "";
                Assert.DoesNotContain(program.Split('/')[^1], Shells);
            }
        }
    }

    private (DockerStage Stage, DockerInstruction Run) FindPublish()
    {
        var found = _dockerfile.Stages
            .SelectMany(s => s.Instructions.Where(i => i.Keyword == "RUN").Select(i => (Stage: s, Run: i)))
            .Where(p => DockerfileModel.CollapseWhitespace(p.Run.Arguments).Contains("dotnet publish", StringComparison.Ordinal))
            .ToList();
        return Assert.Single(found);
    }

    private static string Resolve(string workdir, string path) =>
        path.StartsWith('/') ? path : workdir.TrimEnd('/') + "/" + path.TrimStart('.', '/');
}
