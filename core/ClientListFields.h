#pragma once

#include <QByteArray>
#include <QHash>

namespace rqc {

// The fields of one CLIENT LIST line ("id=7 addr=127.0.0.1:50412 … name=rqconsole:list:q …"),
// as OutputBufferWatch, ObserveWorker and the census read them. Redis separates fields with one
// space and allows no space inside a value (CLIENT SETNAME refuses one).

// The value of the field `name` ("omem", "addr"…), or empty when the line has no such field.
QByteArray clientListField(const QByteArray& line, const QByteArray& name);
// Every field of the line, by name.
QHash<QByteArray, QByteArray> clientListFields(const QByteArray& line);

} // namespace rqc
