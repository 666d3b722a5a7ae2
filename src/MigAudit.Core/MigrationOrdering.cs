using System.Text;

namespace MigAudit.Core;

/// <summary>
/// The comparisons behind each <see cref="MigrationOrder"/>, as Node computes them. Each one was checked against
/// Node itself (tests/node): localeCompare is ICU's root collation, which for printable ASCII sorts
/// <c>_-,;:!?.'"()[]{}@*/\&amp;#%`^+&lt;=&gt;|~$</c> before digits before letters, letters case-insensitively first and
/// lower case before upper case on a tie.
/// </summary>
public static class MigrationOrdering
{
    private const string AsciiCollationOrder = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ";

    /// <summary>
    /// Whether migaudit can reproduce the order for these names: localeCompare only for printable ASCII; a numeric
    /// comparator only when every name starts with a number (parseInt gives NaN otherwise, and a comparator answering
    /// NaN leaves the order to V8's sort algorithm).
    /// </summary>
    public static bool CanCompare(MigrationOrder order, IEnumerable<string> names) => order switch
    {
        MigrationOrder.Unknown => false,
        MigrationOrder.LocaleCompare or MigrationOrder.NaturalLocaleCompare => names.All(n => n.All(c => c is ' ' || AsciiCollationOrder.Contains(c))),
        MigrationOrder.Numeric => names.All(n => n.Length > 0 && char.IsAsciiDigit(n[0])),
        _ => true,
    };

    /// <summary>Why <see cref="CanCompare"/> says no, for the report.</summary>
    public static string Limitation(MigrationOrder order) => order == MigrationOrder.Numeric
        ? "a numeric comparator is modelled only when every name starts with a number (parseInt gives NaN otherwise)"
        : "localeCompare is modelled only for printable ASCII names";

    /// <summary>Sorts as the source would: a stable sort, as V8's and lodash's are.</summary>
    public static List<T> Sort<T>(IEnumerable<T> items, Func<T, string> name, MigrationOrder order) => order switch
    {
        MigrationOrder.Unknown => items.ToList(),
        _ => items.OrderBy(name, Comparer<string>.Create((a, b) => Compare(order, a, b))).ToList(),
    };

    public static int Compare(MigrationOrder order, string a, string b) => order switch
    {
        MigrationOrder.KnexFileName or MigrationOrder.StringSort => string.CompareOrdinal(a, b),
        MigrationOrder.ReaddirOrder => CompareBytes(a, b),
        MigrationOrder.LocaleCompare => CompareCollated(a, b, numeric: false),
        MigrationOrder.NaturalLocaleCompare => CompareCollated(a, b, numeric: true),
        MigrationOrder.Semver => CompareSemver(a, b),
        MigrationOrder.Numeric => LeadingInteger(a).CompareTo(LeadingInteger(b)),
        _ => 0,
    };

    /// <summary>strcmp of the UTF-8 bytes: libuv's scandir sort, which fs.readdir returns on Linux and macOS.</summary>
    private static int CompareBytes(string a, string b)
    {
        var left = Encoding.UTF8.GetBytes(a);
        var right = Encoding.UTF8.GetBytes(b);
        return left.AsSpan().SequenceCompareTo(right);
    }

    /// <summary>parseInt's leading integer; NaN (no digits) compares as equal to everything, as NaN - x does.</summary>
    private static double LeadingInteger(string name)
    {
        var digits = new string(name.TakeWhile(char.IsAsciiDigit).ToArray());
        return digits.Length == 0 ? 0 : double.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The leading x.y.z as numbers (pre-release and build parts after it are compared as text), then the whole name.</summary>
    private static int CompareSemver(string a, string b)
    {
        var left = SemverParts(a);
        var right = SemverParts(b);
        for (var i = 0; i < 3; i++)
        {
            var compared = left[i].CompareTo(right[i]);
            if (compared != 0)
            {
                return compared;
            }
        }

        return string.CompareOrdinal(a, b);
    }

    private static long[] SemverParts(string name)
    {
        var parts = new long[3];
        var index = 0;
        var position = 0;
        while (index < 3 && position < name.Length && char.IsAsciiDigit(name[position]))
        {
            var start = position;
            while (position < name.Length && char.IsAsciiDigit(name[position]))
            {
                position++;
            }

            parts[index++] = long.TryParse(name.AsSpan(start, Math.Min(position - start, 18)), out var value) ? value : long.MaxValue;
            if (position < name.Length && name[position] == '.')
            {
                position++;
            }
            else
            {
                break;
            }
        }

        return parts;
    }

    /// <summary>ICU root collation for printable ASCII: primary (case-insensitive, punctuation non-ignorable), then case.</summary>
    private static int CompareCollated(string a, string b, bool numeric)
    {
        var primary = ComparePrimary(a, b, numeric);
        if (primary != 0)
        {
            return primary;
        }

        // Equal at the primary level: "x9" before "x09" (fewer digits), then lower case before upper case.
        if (numeric && a.Length != b.Length)
        {
            return a.Length.CompareTo(b.Length);
        }

        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var tertiary = Rank(a[i]).CompareTo(Rank(b[i]));
            if (tertiary != 0)
            {
                return tertiary;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    private static int ComparePrimary(string a, string b, bool numeric)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (numeric && char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                var (left, nextI) = DigitRun(a, i);
                var (right, nextJ) = DigitRun(b, j);
                var byValue = left.Length != right.Length ? left.Length.CompareTo(right.Length) : string.CompareOrdinal(left, right);
                if (byValue != 0)
                {
                    return byValue;
                }

                (i, j) = (nextI, nextJ);
                continue;
            }

            var compared = PrimaryRank(a[i]).CompareTo(PrimaryRank(b[j]));
            if (compared != 0)
            {
                return compared;
            }

            i++;
            j++;
        }

        return (a.Length - i).CompareTo(b.Length - j);
    }

    /// <summary>A digit run without its leading zeros, and where it ends.</summary>
    private static (string Digits, int End) DigitRun(string text, int start)
    {
        var end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        var digits = text[start..end].TrimStart('0');
        return (digits, end);
    }

    // A space sorts before every other printable character in ICU's root collation.
    private static int Rank(char c) => c == ' ' ? -1 : AsciiCollationOrder.IndexOf(c);

    private static int PrimaryRank(char c) => char.IsAsciiLetterUpper(c) ? Rank(char.ToLowerInvariant(c)) : Rank(c);
}
