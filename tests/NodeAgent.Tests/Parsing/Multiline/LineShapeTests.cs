using System.Text;
using CsCheck;
using NodeAgent.Parsing.Multiline;

namespace NodeAgent.Tests.Parsing.Multiline;

/// <summary>The shapes the grammars share: frames that begin with "at", exception headers, logger levels.</summary>
public sealed class LineShapeTests
{
    [Theory]
    [InlineData("\tat com.shop.A.b(A.java:10)", true)]
    [InlineData("\tat java.base/java.lang.Thread.run(Thread.java:1583) ~[na:na]", true)]
    [InlineData("\tat com.shop.A.read(Native Method)", true)]
    [InlineData("   at Shop.Orders.OrderService.GetLatest() in /src/Shop/Orders/OrderService.cs:line 48", true)]
    [InlineData("   at System.Linq.Enumerable.First[TSource](IEnumerable`1 source)", true)]
    [InlineData("    at loadConfig (/app/server.js:27:11)", true)]
    [InlineData("    at async Promise.all (index 0)", true)]
    [InlineData("    at node:internal/main/run_main_module:28:49", true)]
    [InlineData("    at Array.forEach (<anonymous>)", true)]
    [InlineData("    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16) {", true)]
    [InlineData("at com.shop.A.b(A.java:10)", false)] // not indented
    [InlineData("  at the moment (maybe)", false)]
    [InlineData("  at least 3 replicas are required (maybe 2)", false)]
    [InlineData("\tat 10:00 the next one starts", false)]
    [InlineData("    at 10:00", false)]
    [InlineData("    at foo(bar)", false)] // no qualified name
    [InlineData("    at ", false)]
    public void A_frame_that_begins_with_at(string line, bool frame) =>
        Assert.Equal(frame, LineShape.IsAtFrame(Encoding.UTF8.GetBytes(line)));

    [Theory]
    [InlineData("java.lang.IllegalStateException: boom", true, true)]
    [InlineData("Exception in thread \"main\" java.lang.StackOverflowError", true, true)]
    [InlineData("Unhandled exception. System.InvalidOperationException: x", true, true)]
    [InlineData("Microsoft.Data.SqlClient.SqlException (0x80131904): A network-related error", true, true)]
    [InlineData("Error [ERR_HTTP_HEADERS_SENT]: Cannot set headers", true, true)]
    [InlineData("Uncaught TypeError: x is not a function", true, true)]
    [InlineData("Error", true, true)]
    [InlineData("Jul 09, 2015 3:23:29 PM com.shop.MakeLog: RuntimeException: Run from this message!", true, false)]
    [InlineData("Errors: 3", false, false)]
    [InlineData("ErrorCode: 5", false, false)]
    [InlineData("DivisionByZeroError(code: 0): Division by zero", false, false)]
    [InlineData("Error (with a note): x", false, false)]
    public void An_exception_header(string line, bool anywhere, bool bare)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        Assert.Equal(anywhere, LineShape.IsThrowableHeader(bytes));
        Assert.Equal(bare, LineShape.IsBareThrowableHeader(bytes));
    }

    [Theory]
    [InlineData("2026-03-14T09:00:01.234Z ERROR 1 --- [main] o.s.boot.SpringApplication : Application run failed", true)]
    [InlineData("09:00:00.123 [http-nio-8080-exec-1] WARN  c.s.A - slow", true)]
    [InlineData("SEVERE: Task failed", true)]
    [InlineData("ERROR:root:failed", true)]
    [InlineData("[09:00:04 ERR] Failed to process message 42", true)]
    [InlineData("[09:00:04 FTL] Host terminated", true)]
    [InlineData("2026-03-14 09:00:00 CRITICAL disk full", true)]
    [InlineData("2026-03-14 09:00:00 FATAL disk full", true)]
    [InlineData("2026-03-14 09:00:00 WARNING low memory", true)]
    [InlineData("2026-03-14 09:00:00 INFO started", false)]
    [InlineData("GET /api 500 ERROR", false)] // the level is the first word in capitals
    [InlineData("ERRORS: 3", false)]
    [InlineData("Error: boom", false)]
    [InlineData("level=error msg=boom", false)]
    public void A_logger_error_line(string line, bool error) =>
        Assert.Equal(error, LineShape.IsLoggerErrorLine(Encoding.UTF8.GetBytes(line)));

    private static readonly string[] LevelPieces = ["ERROR", "WARN", "SEVERE", "ERR", "INFO", "GET", "T", "Z", "ERRORS", "Error", "x", " ", "[", "]", ":", "-", "2026", "ab", "CRITICAL", "FATALITY", "\t"];

    [Fact]
    public void The_level_search_in_blocks_finds_what_a_byte_by_byte_search_finds()
    {
        Gen.Int[0, LevelPieces.Length - 1].Array[1, 60]
            .Select(picks => Encoding.ASCII.GetBytes(string.Concat(picks.Select(p => LevelPieces[p]))))
            .Sample(line => Assert.Equal(ByteByByte(line), LineShape.IsLoggerErrorLine(line)), iter: 20_000);

        // The first word in capitals, within the first 128 bytes, that stands alone (no letter on either side).
        static bool ByteByByte(byte[] line)
        {
            static bool Capital(byte b) => b is >= (byte)'A' and <= (byte)'Z';
            static bool Letter(byte b) => Capital(b) || b is >= (byte)'a' and <= (byte)'z';
            for (var i = 0; i < Math.Min(line.Length, 128); i++)
            {
                if (!Capital(line[i]) || (i > 0 && Letter(line[i - 1])))
                {
                    continue;
                }

                var end = i;
                while (end < line.Length && Capital(line[end]))
                {
                    end++;
                }

                if (end - i >= 3 && (end == line.Length || !Letter(line[end])))
                {
                    return Encoding.ASCII.GetString(line, i, end - i) is "ERROR" or "ERR" or "FATAL" or "FTL" or "SEVERE" or "CRITICAL" or "CRIT" or "WARN" or "WARNING" or "WRN";
                }
            }

            return false;
        }
    }
}
