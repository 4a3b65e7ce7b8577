using NodeAgent.Delivery;

namespace NodeAgent.Parsing.Multiline;

internal sealed partial class MultilineJoiner
{
    /// <summary>See <see cref="Into"/>: only <c>Add</c> means anything; the rest is what a write-only collection says.</summary>
    private sealed class Input(MultilineJoiner joiner) : ICollection<LogRecord>
    {
        public ICollection<LogRecord> Output { get; set; } = [];

        public int Count => 0;

        public bool IsReadOnly => false;

        public void Add(LogRecord item) => joiner.Add(item, Output);

        public void Clear()
        {
        }

        public bool Contains(LogRecord item) => false;

        public void CopyTo(LogRecord[] array, int arrayIndex)
        {
        }

        public bool Remove(LogRecord item) => false;

        public IEnumerator<LogRecord> GetEnumerator() => Enumerable.Empty<LogRecord>().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
