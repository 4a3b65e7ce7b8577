using Microsoft.Extensions.Logging;

namespace NodeAgent.Tailing.Journald;

internal sealed partial class JournalInput
{
    private static partial class Log
    {
        [LoggerMessage(1105, LogLevel.Information, "journal file {Path}: reading from its {Start} (after seqnum {Seqnum})", EventName = "JournalFileOpened")]
        public static partial void Opened(ILogger logger, string path, string start, ulong seqnum);

        [LoggerMessage(1106, LogLevel.Debug, "journal file {Path} read to its end and delivered up to seqnum {Seqnum}; closed", EventName = "JournalFileClosed")]
        public static partial void Closed(ILogger logger, string path, ulong seqnum);

        [LoggerMessage(1107, LogLevel.Information, "journal file {Path} is no longer in the journal directories (vacuumed?): reading it to its end through the open handle", EventName = "JournalFileGone")]
        public static partial void Gone(ILogger logger, string path);

        [LoggerMessage(1108, LogLevel.Information, "journal file {Path}, read up to seqnum {Seqnum} before, is gone", EventName = "JournalFileGoneAtStart")]
        public static partial void GoneAtStart(ILogger logger, string path, ulong seqnum);

        [LoggerMessage(1109, LogLevel.Warning, "journal file {Path} is gone (vacuumed while the agent was not running?) with entries never delivered: those after seqnum {Seqnum}, up to {TailSeqnum} when last seen, are lost", EventName = "JournalFileVacuumedUnread")]
        public static partial void VacuumedUnread(ILogger logger, string path, ulong seqnum, ulong tailSeqnum);

        [LoggerMessage(1110, LogLevel.Warning, "journal file {Path} cannot be read: {Reason}", EventName = "JournalFileUnreadable")]
        public static partial void Unreadable(ILogger logger, string path, string reason);

        [LoggerMessage(1111, LogLevel.Warning, "journal file {Path}: a damaged entry was stepped over ({Reason}); the entries after it are read", EventName = "JournalEntrySkipped")]
        public static partial void EntrySkipped(ILogger logger, string path, string reason);

        [LoggerMessage(1112, LogLevel.Error, "journal file {Path} cannot be read past this point ({Reason}); it is closed once what was read is delivered", EventName = "JournalFileBroken")]
        public static partial void Broken(ILogger logger, string path, string reason);

        [LoggerMessage(1113, LogLevel.Warning, "journal file {Path}: seqnum {Seqnum} follows {Previous}; such entries are shipped but not checkpointed (a restart may send them again, under the same id)", EventName = "JournalSeqnumOutOfOrder")]
        public static partial void OutOfOrder(ILogger logger, string path, ulong seqnum, ulong previous);

        [LoggerMessage(1114, LogLevel.Error, "reading journal file {Path} failed; it is opened again from its checkpoint", EventName = "JournalReadFailed")]
        public static partial void ReadFailed(ILogger logger, string path, Exception exception);

        [LoggerMessage(1115, LogLevel.Error, "the journal reading loop failed; it goes on in a second", EventName = "JournalLoopFailed")]
        public static partial void TurnFailed(ILogger logger, Exception exception);

        [LoggerMessage(1116, LogLevel.Information, "journal input stopped with {Files} files open; checkpoints saved", EventName = "JournalStopped")]
        public static partial void Stopped(ILogger logger, int files);
    }
}
