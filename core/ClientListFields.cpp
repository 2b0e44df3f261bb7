#include "ClientListFields.h"

namespace rqc {

QByteArray clientListField(const QByteArray& line, const QByteArray& name)
{
    const QByteArray key = name + '=';
    qsizetype at = line.startsWith(key) ? 0 : line.indexOf(' ' + key);
    if (at < 0)
        return {};
    if (at > 0)
        ++at;
    at += key.size();
    const qsizetype end = line.indexOf(' ', at);
    return line.mid(at, end < 0 ? -1 : end - at);
}

QHash<QByteArray, QByteArray> clientListFields(const QByteArray& line)
{
    QHash<QByteArray, QByteArray> fields;
    for (const QByteArray& part : line.trimmed().split(' ')) {
        const qsizetype eq = part.indexOf('=');
        if (eq > 0)
            fields.insert(part.left(eq), part.mid(eq + 1));
    }
    return fields;
}

} // namespace rqc
