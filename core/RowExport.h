#pragma once

#include "Message.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace rqc {

// Rows of a pane written out: as a recording (JSON Lines, RecordingEncoder: a header line, then
// one row a line), as CSV (RFC 4180; a payload that is not text goes as base64 and says so; a
// stream entry's fields go in the last column as the recording writes them), or
// one row as the command that sends it again, typed at the redis-cli prompt (or piped into
// redis-cli) or as a redis-py call, quoted so that any byte comes back exactly.
class RowExport {
public:
    // The command that puts the message back where it came from: PUBLISH for channels, LPUSH for
    // lists, XADD with its fields for streams. family: "channel", "list" or "stream".
    static QList<QByteArray> resendArgv(const Message& message, const QByteArray& family);

    // One redis-cli line (its own quoting: "…" with \xNN, \n, \r, \t, \", \\).
    static QByteArray redisCliLine(const QList<QByteArray>& argv);
    // r.publish(b'news', b'…') and the like (Python bytes literals).
    static QByteArray redisPyLine(const QList<QByteArray>& argv);
    static QByteArray cliQuote(const QByteArray& bytes);
    static QByteArray pyBytes(const QByteArray& bytes);

    static QByteArray csvHeader();
    static QByteArray csvRow(const Message& message);
    // The whole CSV or recording for rows (with the header line).
    static QByteArray csv(const QList<Message>& rows);
    static QByteArray jsonLines(const QList<Message>& rows, const QByteArray& mode,
                                const QByteArray& target, bool precise, const QString& server,
                                const QString& spec);
};

} // namespace rqc
