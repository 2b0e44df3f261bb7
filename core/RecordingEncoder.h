#pragma once

#include "RecordingFormat.h"

#include <QByteArray>
#include <QList>
#include <QPair>

namespace rqc {

// Writes rows of the recording format (RecordingFormat.h) as JSON Lines, by hand: bytes that are
// valid UTF-8 (and hold no NUL) are copied into JSON strings with only the escapes JSON requires,
// anything else is written as base64 under NAME_b64. No QString, no QJsonDocument on the way, so
// a row costs well under a microsecond (tst_recording prints the rate). Not thread-safe; one per
// writer thread.
class RecordingEncoder {
public:
    static QByteArray headerLine(const RecordingHeader& header);

    // Appends one row and its newline to out. precise: the mode settles messages (reliable,
    // stream), so the delivery count is always written; elsewhere only when above 1.
    void appendRow(QByteArray& out, const Message& message, const QByteArray& mode,
                   const QByteArray& target, bool precise);
    // Appends one row of a peek pane (README.md, "Recording": event peek, entry or gone).
    void appendPeekRow(QByteArray& out, const PeekRecord& row, const QByteArray& mode,
                       const QByteArray& target);

    // True when bytes go into a JSON string as they are: valid UTF-8 (no overlong forms, no
    // surrogates, nothing above U+10FFFF) and no NUL byte.
    static bool isText(const char* data, qsizetype size);
    static bool isText(const QByteArray& bytes) { return isText(bytes.constData(), bytes.size()); }
    // A stream entry's fields as in a row's "fields": [[name,value],…], each a JSON string or
    // {"b64":"…"}; empty for none.
    static QByteArray fieldsJson(const QList<QPair<QByteArray, QByteArray>>& fields);
    // "2026-12-01T15:58:33.123Z" for ms since the epoch.
    static QByteArray isoTime(qint64 ms);

private:
    // Writes "time" (26 bytes, quoted) at p; returns the end.
    char* writeTime(char* p, qint64 ms);

    qint64 m_cachedSecond = -1; // the "YYYY-MM-DDTHH:MM:SS" of the last row, reused within it
    char m_cachedPrefix[20] = {};
};

} // namespace rqc
