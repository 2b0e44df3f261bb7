#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QString>

namespace rqc {

// A file to send from the entry box: its bytes as one message (exactly, any byte), or each line
// as a message (split at \n; a \r before it is dropped, so CRLF files work; a last line without a
// newline counts, the empty "line" after a final newline does not).
class PayloadFile {
    Q_DECLARE_TR_FUNCTIONS(rqc::PayloadFile)
public:
    enum class Split { Whole, Lines };
    // The largest file read (the whole file is held in memory while it is sent).
    static constexpr qint64 kMaxBytes = 512LL * 1024 * 1024;

    // The messages of path; false with *error (a sentence) when it cannot be read.
    static bool read(const QString& path, Split split, QList<QByteArray>* messages, QString* error);
    static QList<QByteArray> splitLines(const QByteArray& bytes);
};

} // namespace rqc
