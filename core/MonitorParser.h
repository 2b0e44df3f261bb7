#pragma once

#include <QByteArray>
#include <QList>

namespace rqc {

// One line of MONITOR output, e.g.
//   1700000000.123456 [0 127.0.0.1:46506] "LPUSH" "q" "a"
// Commands run inside a script show `[0 lua]` and follow the EVAL/EVALSHA/FCALL line of the
// client that called it; a transaction shows MULTI, its commands, then EXEC, all at EXEC time.
struct MonitorLine {
    qint64 timeUs = 0; // server time, microseconds since the epoch
    int db = 0;
    QByteArray addr;        // "127.0.0.1:46506", "unix:/path", "lua"
    QList<QByteArray> argv; // exact bytes; argv[0] is the command as the client spelled it

    bool isLua() const { return addr == "lua"; }
    // argv[0] in upper case.
    QByteArray command() const { return argv.isEmpty() ? QByteArray() : argv[0].toUpper(); }
};

// Parses MONITOR lines. Pure functions: no server, no state.
class MonitorParser {
public:
    // line may start with '+' (a raw RESP status line); trailing CR/LF are ignored.
    // False for anything that is not a well-formed MONITOR line (the reply "OK", garbage).
    static bool parse(const QByteArray& line, MonitorLine* out);
    // Undoes sdscatrepr quoting of one argument, given without its surrounding quotes:
    // \" \\ \n \r \t \a \b \xHH. False on a dangling or unknown escape.
    static bool unquote(const char* begin, const char* end, QByteArray* out);
    // The quoted form MONITOR prints for bytes (sdscatrepr), with the quotes.
    static QByteArray quote(const QByteArray& bytes);
};

} // namespace rqc
