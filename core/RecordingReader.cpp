#include "RecordingReader.h"

#include "ConsumerSpec.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <cmath>
#include <limits>

namespace rqc {

namespace {

// Largest integer a JSON number (a double) holds exactly.
constexpr double kMaxExactInt = 9007199254740992.0;

QString quoted(const QString& name) { return QLatin1Char('"') + name + QLatin1Char('"'); }

bool decodeB64(const QJsonValue& value, QByteArray* out)
{
    if (!value.isString())
        return false;
    auto result = QByteArray::fromBase64Encoding(value.toString().toLatin1(),
                                                 QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return false;
    *out = std::move(result.decoded);
    return true;
}

// NAME (text) or NAME_b64 (base64), never both. required: one of them must be there.
bool readBytes(const QJsonObject& o, const QString& name, bool required, QByteArray* out,
               QString* why)
{
    const QString b64Name = name + QLatin1String("_b64");
    const auto text = o.constFind(name);
    const auto b64 = o.constFind(b64Name);
    const bool hasText = text != o.constEnd();
    const bool hasB64 = b64 != o.constEnd();
    if (hasText && hasB64) {
        *why = RecordingReader::tr("both %1 and %2 are given").arg(quoted(name), quoted(b64Name));
        return false;
    }
    if (hasText) {
        if (!text->isString()) {
            *why = RecordingReader::tr("%1 is not a string").arg(quoted(name));
            return false;
        }
        *out = text->toString().toUtf8();
        return true;
    }
    if (hasB64) {
        if (!decodeB64(*b64, out)) {
            *why = RecordingReader::tr("%1 is not valid base64").arg(quoted(b64Name));
            return false;
        }
        return true;
    }
    out->clear();
    if (required)
        *why = RecordingReader::tr("%1 (or %2) is missing").arg(quoted(name), quoted(b64Name));
    return !required;
}

// An integer member; absent gives fallback. minimum: the least value allowed.
bool readInt(const QJsonObject& o, const QString& name, bool required, qint64 minimum, qint64* out,
             QString* why)
{
    const auto it = o.constFind(name);
    if (it == o.constEnd()) {
        if (required)
            *why = RecordingReader::tr("%1 is missing").arg(quoted(name));
        return !required;
    }
    const double d = it->toDouble(std::nan(""));
    if (!it->isDouble() || std::trunc(d) != d || std::fabs(d) > kMaxExactInt ||
        d < double(minimum)) {
        *why = RecordingReader::tr("%1 is not a whole number of at least %2")
                   .arg(quoted(name))
                   .arg(minimum);
        return false;
    }
    *out = qint64(d);
    return true;
}

bool readFieldItem(const QJsonValue& v, QByteArray* out)
{
    if (v.isString()) {
        *out = v.toString().toUtf8();
        return true;
    }
    if (!v.isObject())
        return false;
    const QJsonObject o = v.toObject();
    return o.size() == 1 && decodeB64(o.value(QLatin1String("b64")), out);
}

bool kindFromName(const QString& name, Observation::Kind* kind)
{
    static const struct {
        const char* name;
        Observation::Kind kind;
    } kKinds[] = {{"produce", Observation::Kind::Produce},
                  {"consume", Observation::Kind::Consume},
                  {"ack", Observation::Kind::Ack},
                  {"remove", Observation::Kind::Remove},
                  {"other", Observation::Kind::Other}};
    for (const auto& k : kKinds) {
        if (name == QLatin1String(k.name)) {
            *kind = k.kind;
            return true;
        }
    }
    return false;
}

bool parseObject(const QByteArray& line, QJsonObject* out, QString* why)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    if (error.error != QJsonParseError::NoError) {
        *why = RecordingReader::tr("not JSON (%1 at character %2)")
                   .arg(error.errorString())
                   .arg(error.offset + 1);
        return false;
    }
    if (!doc.isObject()) {
        *why = RecordingReader::tr("not a JSON object");
        return false;
    }
    *out = doc.object();
    return true;
}

bool parseObservation(const QJsonObject& o, Observation* obs, QString* why)
{
    const auto client = o.constFind(QLatin1String("client"));
    if (client != o.constEnd()) {
        if (!client->isObject()) {
            *why = RecordingReader::tr("\"client\" is not an object");
            return false;
        }
        const QJsonObject c = client->toObject();
        if (!readInt(c, QStringLiteral("id"), false, 1, &obs->clientId, why) ||
            !readBytes(c, QStringLiteral("name"), false, &obs->clientName, why) ||
            !readBytes(c, QStringLiteral("addr"), false, &obs->clientAddr, why)) {
            why->prepend(RecordingReader::tr("in \"client\": "));
            return false;
        }
    }
    const QJsonValue kind = o.value(QLatin1String("kind"));
    if (!kind.isString() || !kindFromName(kind.toString(), &obs->kind)) {
        *why = RecordingReader::tr("\"kind\" is not one of produce, consume, ack, remove, other");
        return false;
    }
    const QJsonValue certain = o.value(QLatin1String("certain"));
    if (!certain.isBool()) {
        *why = RecordingReader::tr("\"certain\" is missing or not true/false");
        return false;
    }
    obs->certain = certain.toBool();
    return readBytes(o, QStringLiteral("producer"), false, &obs->producer, why) &&
           readBytes(o, QStringLiteral("consumer"), false, &obs->consumer, why) &&
           readInt(o, QStringLiteral("produced_ms"), false, 1, &obs->producedMs, why) &&
           readInt(o, QStringLiteral("taken_ms"), false, 1, &obs->takenMs, why) &&
           readInt(o, QStringLiteral("acked_ms"), false, 1, &obs->ackedMs, why);
}

// A peek pane's row (PeekRecord): the event, and the members that event needs.
bool checkPeekRow(const RecordedRow& row, QString* why)
{
    const bool peek = row.event == "peek";
    const bool entry = row.event == "entry";
    const bool gone = row.event == "gone";
    if (!peek && !entry && !gone) {
        *why = RecordingReader::tr("\"event\" of a peek row is not one of peek, entry, gone");
        return false;
    }
    if (!row.section.isEmpty() && row.section != "head" && row.section != "tail" &&
        row.section != "page") {
        *why = RecordingReader::tr("\"section\" is not one of head, tail, page");
        return false;
    }
    if (row.depth < 0) {
        *why = RecordingReader::tr("%1 is missing").arg(quoted(QStringLiteral("depth")));
        return false;
    }
    const bool placed = row.index >= 0 && row.position >= 0 && !row.section.isEmpty();
    if (peek && !placed) {
        *why = RecordingReader::tr("a peek row needs \"index\", \"position\" and \"section\"");
        return false;
    }
    if (entry && row.message.id.isEmpty()) {
        *why = RecordingReader::tr("an entry row needs \"id\"");
        return false;
    }
    if (gone && !placed && row.message.id.isEmpty()) {
        *why = RecordingReader::tr(
            "a gone row needs \"id\", or \"index\", \"position\" and \"section\"");
        return false;
    }
    return true;
}

} // namespace

RecordingReader::RecordingReader(const QString& path)
    : m_path(path)
    , m_file(path)
{
}

bool RecordingReader::parseHeader(const QByteArray& line, RecordingHeader* header, QString* why)
{
    QJsonObject o;
    if (!parseObject(line, &o, why))
        return false;
    qint64 version = 0;
    if (!o.contains(QLatin1String("rqconsole_recording"))) {
        *why = tr("not a recording header (no \"rqconsole_recording\")");
        return false;
    }
    if (!readInt(o, QStringLiteral("rqconsole_recording"), true, 1, &version, why))
        return false;
    if (version > kRecordingVersion) {
        *why = tr("written in format %1; this build reads format %2 and older")
                   .arg(version)
                   .arg(kRecordingVersion);
        return false;
    }
    header->version = int(version);
    if (!readInt(o, QStringLiteral("started_ms"), true, 0, &header->startedMs, why))
        return false;
    header->server = o.value(QLatin1String("server")).toString();
    header->spec = o.value(QLatin1String("spec")).toString();
    return true;
}

bool RecordingReader::parseRow(const QByteArray& line, RecordedRow* row, QString* why)
{
    QJsonObject o;
    if (!parseObject(line, &o, why))
        return false;
    if (o.contains(QLatin1String("rqconsole_recording"))) {
        *why = tr("a second header inside the recording");
        return false;
    }
    Message& m = row->message;
    m = Message();
    const QJsonValue mode = o.value(QLatin1String("mode"));
    Mode parsedMode = Mode::List;
    if (!mode.isString() || !ConsumerSpec::modeFromName(mode.toString(), &parsedMode)) {
        *why = tr("\"mode\" is missing or not one of %1")
                   .arg(ConsumerSpec::modeNames().join(QStringLiteral(", ")));
        return false;
    }
    row->mode = mode.toString();
    qint64 seq = 0;
    qint64 delivery = 1;
    if (!readInt(o, QStringLiteral("time_ms"), true, 0, &m.receivedMs, why) ||
        !readInt(o, QStringLiteral("seq"), false, 1, &seq, why) ||
        !readInt(o, QStringLiteral("delivery"), false, 1, &delivery, why) ||
        !readBytes(o, QStringLiteral("target"), true, &row->target, why) ||
        !readBytes(o, QStringLiteral("event"), true, &row->event, why) ||
        !readBytes(o, QStringLiteral("key"), false, &m.source, why) ||
        !readBytes(o, QStringLiteral("pattern"), false, &m.pattern, why) ||
        !readBytes(o, QStringLiteral("id"), false, &m.id, why) ||
        !readBytes(o, QStringLiteral("payload"), true, &m.payload, why))
        return false;
    if (delivery > std::numeric_limits<int>::max()) {
        *why = tr("\"delivery\" is out of range");
        return false;
    }
    m.seq = quint64(seq);
    m.deliveryCount = int(delivery);
    row->section.clear();
    row->index = row->position = row->depth = -1;
    if (!readBytes(o, QStringLiteral("section"), false, &row->section, why) ||
        !readInt(o, QStringLiteral("index"), false, 0, &row->index, why) ||
        !readInt(o, QStringLiteral("position"), false, 0, &row->position, why) ||
        !readInt(o, QStringLiteral("depth"), false, 0, &row->depth, why))
        return false;
    const auto fields = o.constFind(QLatin1String("fields"));
    if (fields != o.constEnd()) {
        if (!fields->isArray()) {
            *why = tr("\"fields\" is not an array");
            return false;
        }
        const QJsonArray array = fields->toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QJsonArray pair = array.at(i).toArray();
            QPair<QByteArray, QByteArray> field;
            if (pair.size() != 2 || !readFieldItem(pair.at(0), &field.first) ||
                !readFieldItem(pair.at(1), &field.second)) {
                *why =
                    tr("field %1 is not [name, value] (each a string or {\"b64\": …})").arg(i + 1);
                return false;
            }
            m.fields << field;
        }
    }
    // Attribution is there when the observer knew it (Message::observed was set).
    const bool attributed = o.contains(QLatin1String("kind")) ||
                            o.contains(QLatin1String("certain")) ||
                            o.contains(QLatin1String("client"));
    if (parsedMode == Mode::Observe && attributed) {
        auto obs = std::make_shared<Observation>();
        if (!parseObservation(o, obs.get(), why))
            return false;
        obs->command = row->event;
        obs->key = m.source;
        m.observed = std::move(obs);
    }
    return parsedMode != Mode::Peek || checkPeekRow(*row, why);
}

bool RecordingReader::open()
{
    if (!m_file.open(QIODevice::ReadOnly)) {
        m_error =
            tr("Cannot read %1: %2.").arg(QDir::toNativeSeparators(m_path), m_file.errorString());
        return false;
    }
    m_line = 1;
    QByteArray line = m_file.readLine();
    if (line.endsWith('\n'))
        line.chop(1);
    QString why;
    if (line.isEmpty())
        why = tr("the file is empty");
    if (!why.isEmpty() || !parseHeader(line, &m_header, &why)) {
        m_error = tr("%1 is not an rqconsole recording: line 1: %2.")
                      .arg(QDir::toNativeSeparators(m_path), why);
        m_file.close();
        return false;
    }
    return true;
}

bool RecordingReader::next(RecordedRow* row)
{
    while (m_file.isOpen() && !m_file.atEnd()) {
        QByteArray line = m_file.readLine();
        ++m_line;
        if (line.isEmpty() && m_file.error() != QFileDevice::NoError) {
            m_error = tr("Reading %1 failed at line %2: %3.")
                          .arg(QDir::toNativeSeparators(m_path))
                          .arg(m_line)
                          .arg(m_file.errorString());
            m_file.close();
            return false;
        }
        const bool complete = line.endsWith('\n');
        if (complete)
            line.chop(1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.trimmed().isEmpty())
            continue;
        QString why;
        if (!parseRow(line, row, &why)) {
            if (!complete)
                why = tr("the last line is cut short (%1)").arg(why);
            addProblem(m_line, why);
            continue;
        }
        row->line = m_line;
        return true;
    }
    return false;
}

QList<RecordedRow> RecordingReader::readAll()
{
    QList<RecordedRow> rows;
    RecordedRow row;
    while (next(&row))
        rows << row;
    return rows;
}

void RecordingReader::addProblem(qint64 line, const QString& reason)
{
    ++m_problemCount;
    if (m_problems.size() < kMaxProblems)
        m_problems << Problem{line, reason};
}

} // namespace rqc
