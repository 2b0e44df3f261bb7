#include "PayloadFile.h"

#include <QFile>
#include <QLocale>

namespace rqc {

QList<QByteArray> PayloadFile::splitLines(const QByteArray& bytes)
{
    QList<QByteArray> lines;
    qsizetype start = 0;
    while (start < bytes.size()) {
        qsizetype end = bytes.indexOf('\n', start);
        const qsizetype next = end < 0 ? bytes.size() : end + 1;
        if (end < 0)
            end = bytes.size();
        qsizetype stop = end;
        if (stop > start && bytes[stop - 1] == '\r' && end < bytes.size())
            --stop;
        lines << bytes.mid(start, stop - start);
        start = next;
    }
    return lines;
}

bool PayloadFile::read(const QString& path, Split split, QList<QByteArray>* messages,
                       QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    if (file.size() > kMaxBytes) {
        *error = tr("%1 is %2: files up to %3 can be sent.")
                     .arg(path, QLocale().formattedDataSize(file.size()),
                          QLocale().formattedDataSize(kMaxBytes));
        return false;
    }
    const QByteArray bytes = file.readAll();
    if (file.error() != QFile::NoError) {
        *error = tr("Cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    messages->clear();
    if (split == Split::Whole)
        messages->append(bytes);
    else
        *messages = splitLines(bytes);
    if (messages->isEmpty()) {
        *error = tr("%1 has no lines to send.").arg(path);
        return false;
    }
    return true;
}

} // namespace rqc
