using System.Text;
using MigAudit.Core;

namespace MigAudit.Live;

/// <summary>
/// libpq's two spellings of a connection (fe-connect.c's conninfo_uri_parse_options and conninfo_parse), read into
/// keyword → value with its rules: what a URI leaves empty is not set (so the environment still applies), query
/// parameters override the URI's parts, ssl=true means sslmode=require.
/// </summary>
internal static class ConnectionSyntax
{
    /// <summary>postgresql://[user[:password]@][host][:port][/dbname][?keyword=value&amp;...], every part percent-decoded.</summary>
    public static Dictionary<string, string> FromUri(string uri)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];

        // libpq looks for the '@' only before the first '/': a password holding '@' or '/' must be percent-encoded.
        var at = rest.IndexOfAny(['@', '/']);
        if (at >= 0 && rest[at] == '@')
        {
            var userInfo = rest[..at];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            Store(values, "user", colon < 0 ? userInfo : userInfo[..colon]);
            if (colon >= 0)
            {
                Store(values, "password", userInfo[(colon + 1)..]);
            }

            rest = rest[(at + 1)..];
        }

        string host;
        var position = 0;
        if (rest.StartsWith('['))
        {
            // An IPv6 address, without its brackets (Npgsql, like libpq, wants the bare address).
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ProjectException("the database address has a '[' with no matching ']' around its IPv6 host");
            }

            host = rest[1..close];
            position = close + 1;
            if (host.Length == 0 || (position < rest.Length && rest[position] is not (':' or '/' or '?' or ',')))
            {
                throw new ProjectException("the database address has a malformed IPv6 host (expected [address] then ':', '/' or '?')");
            }
        }
        else
        {
            position = IndexOfAny(rest, 0, ":/?,");
            host = rest[..position];
        }

        Store(values, "host", host);
        if (position < rest.Length && rest[position] == ':')
        {
            var end = IndexOfAny(rest, position + 1, "/?,");
            Store(values, "port", rest[(position + 1)..end]);
            position = end;
        }

        if (position < rest.Length && rest[position] == ',')
        {
            throw new ProjectException("the database address names several hosts; migaudit connects to one server: give one host");
        }

        if (position < rest.Length && rest[position] == '/')
        {
            var end = IndexOfAny(rest, position + 1, "?");
            Store(values, "dbname", rest[(position + 1)..end]);
            position = end;
        }

        if (position < rest.Length)
        {
            foreach (var parameter in rest[(position + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = parameter.Split('=');
                if (parts.Length != 2)
                {
                    throw new ProjectException($"the database address has a query parameter without exactly one '=' (a '&' or '=' in a value must be percent-encoded)");
                }

                var (keyword, value) = (Decode(parts[0]), Decode(parts[1]));
                if (keyword == "ssl")
                {
                    // libpq's JDBC-compatible spelling.
                    keyword = value == "true" ? "sslmode" : throw new ProjectException("the database address has ssl= other than ssl=true, which libpq refuses");
                    value = "require";
                }

                values[keyword] = value;
            }
        }

        return values;
    }

    /// <summary>keyword=value pairs separated by spaces; a value in single quotes may hold spaces; '\' escapes the next character.</summary>
    public static Dictionary<string, string> FromKeywords(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i == text.Length)
            {
                return values;
            }

            var start = i;
            while (i < text.Length && text[i] != '=' && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var keyword = text[start..i];
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i == text.Length || text[i] != '=')
            {
                // The word is not repeated: a bare word given by mistake may be the password itself.
                throw new ProjectException("the database address is not a postgres:// URL, and as libpq's keyword=value it has a word without '=' after it");
            }

            i++;
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var value = new StringBuilder();
            var quoted = i < text.Length && text[i] == '\'';
            if (quoted)
            {
                i++;
            }

            while (i < text.Length && (quoted ? text[i] != '\'' : !char.IsWhiteSpace(text[i])))
            {
                if (text[i] == '\\' && i + 1 < text.Length)
                {
                    i++;
                }

                value.Append(text[i++]);
            }

            if (quoted && i == text.Length)
            {
                throw new ProjectException("the database address has an unterminated quoted value");
            }

            i += quoted ? 1 : 0;
            values[keyword] = value.ToString();
        }
    }

    /// <summary>Whether a ';' stands outside single quotes: an Npgsql connection string rather than libpq's keyword=value.</summary>
    public static bool HasUnquotedSemicolon(string text)
    {
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++;
                    break;
                case '\'':
                    quoted = !quoted;
                    break;
                case ';' when !quoted:
                    return true;
            }
        }

        return false;
    }

    /// <summary>libpq stores no empty URI part: an empty user or database leaves the environment's or the default.</summary>
    private static void Store(Dictionary<string, string> values, string keyword, string encoded)
    {
        if (encoded.Length > 0)
        {
            values[keyword] = Decode(encoded);
        }
    }

    private static int IndexOfAny(string text, int start, string characters)
    {
        var index = text.IndexOfAny(characters.ToCharArray(), start);
        return index < 0 ? text.Length : index;
    }

    /// <summary>%XX as libpq decodes it (no '+' for space, no %00); the bytes are UTF-8. Never quotes the text: it may be a password.</summary>
    private static string Decode(string text)
    {
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            return text;
        }

        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                // The run up to the next '%' whole, so that a surrogate pair is encoded as one character.
                var next = text.IndexOf('%', i);
                next = next < 0 ? text.Length : next;
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i..next]));
                i = next - 1;
                continue;
            }

            if (i + 2 >= text.Length || !Uri.IsHexDigit(text[i + 1]) || !Uri.IsHexDigit(text[i + 2]))
            {
                throw new ProjectException("the database address has an invalid percent-encoded token (a '%' not followed by two hexadecimal digits)");
            }

            var value = Convert.ToByte(text.Substring(i + 1, 2), 16);
            if (value == 0)
            {
                throw new ProjectException("the database address has %00, which libpq forbids in a percent-encoded value");
            }

            bytes.Add(value);
            i += 2;
        }

        try
        {
            return ConnectionUrl.Utf8.GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            throw new ProjectException("the database address has percent-encoded bytes that are not UTF-8");
        }
    }
}
