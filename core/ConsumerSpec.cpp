#include "ConsumerSpec.h"

#include "PayloadDecoder.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace rqc {

namespace {
struct ModeInfo {
    Mode mode;
    const char* name;
};
constexpr ModeInfo kModes[] = {
    {Mode::PubSub, "pubsub"},     {Mode::Pattern, "pattern"}, {Mode::List, "list"},
    {Mode::Reliable, "reliable"}, {Mode::Stream, "stream"},   {Mode::Tail, "tail"},
    {Mode::Peek, "peek"},         {Mode::Observe, "observe"}, {Mode::SPubSub, "spubsub"},
};
} // namespace

QStringList ConsumerSpec::modeNames()
{
    QStringList names;
    for (const ModeInfo& m : kModes)
        names << QString::fromLatin1(m.name);
    return names;
}

QString ConsumerSpec::modeName(Mode mode)
{
    for (const ModeInfo& m : kModes) {
        if (m.mode == mode)
            return QString::fromLatin1(m.name);
    }
    return {};
}

bool ConsumerSpec::modeFromName(const QString& name, Mode* mode)
{
    for (const ModeInfo& m : kModes) {
        if (name.compare(QLatin1String(m.name), Qt::CaseInsensitive) == 0) {
            *mode = m.mode;
            return true;
        }
    }
    return false;
}

QString ConsumerSpec::modeLabel(Mode mode)
{
    switch (mode) {
    case Mode::PubSub:
        return tr("Pub/Sub");
    case Mode::Pattern:
        return tr("Pattern");
    case Mode::SPubSub:
        return tr("Sharded Pub/Sub");
    case Mode::List:
        return tr("List (LPUSH/BRPOP)");
    case Mode::Reliable:
        return tr("Reliable list");
    case Mode::Stream:
        return tr("Stream group");
    case Mode::Tail:
        return tr("Stream tail");
    case Mode::Peek:
        return tr("Peek (read only)");
    case Mode::Observe:
        return tr("Observe all clients");
    }
    return {};
}

QString ConsumerSpec::guarantee(Mode mode)
{
    switch (mode) {
    case Mode::PubSub:
        return tr("At most once: every subscriber sees each message; whatever is published while "
                  "nobody listens is gone.");
    case Mode::Pattern:
        return tr("At most once, for every channel matching the pattern; messages published while "
                  "disconnected are gone.");
    case Mode::SPubSub:
        return tr("At most once, as pub/sub: SSUBSCRIBE on the cluster node that serves the "
                  "channel's slot, followed when the slot moves; messages published while "
                  "resubscribing are gone.");
    case Mode::List:
        return tr("At most once: each message goes to one consumer, but is lost if that consumer "
                  "dies between the pop and processing.");
    case Mode::Reliable:
        return tr("At least once, acked exactly once: a taken message waits in the consumer's "
                  "processing list until acked; a stop or crash loses nothing.");
    case Mode::Stream:
        return tr("At least once, acked exactly once: an entry stays pending in the group until "
                  "acked (ack=none: at most once).");
    case Mode::Tail:
        return tr("Reads only: follows new entries without consuming; the application's "
                  "consumers are not affected.");
    case Mode::Peek:
        return tr("Reads only: shows what the list or stream holds now, live, and takes nothing "
                  "from it.");
    case Mode::Observe:
        return tr("Reads only: shows every client's produce and consume commands on this key or "
                  "channel and who took each message; takes nothing. MONITOR (the default "
                  "source) costs the server throughput, about half by Redis's documentation: "
                  "meant for development servers. source=events is cheap but shows no payloads "
                  "and no clients.");
    }
    return {};
}

namespace {
QStringList modeOptions(Mode mode)
{
    switch (mode) {
    case Mode::PubSub:
    case Mode::Pattern:
    case Mode::SPubSub:
        return {};
    case Mode::List:
        // direction=fifo (BRPOP, the default with LPUSH) or lifo (BLPOP); batch = RPOP count.
        return {QStringLiteral("direction"), QStringLiteral("batch")};
    case Mode::Reliable:
        // heartbeat = TTL in ms of the consumer's heartbeat key (default 10000).
        return {QStringLiteral("ack"),           QStringLiteral("consumer"),
                QStringLiteral("processing"),    QStringLiteral("dead"),
                QStringLiteral("maxdeliveries"), QStringLiteral("heartbeat")};
    case Mode::Stream:
        // field = which field is the payload (default "message").
        return {QStringLiteral("group"),         QStringLiteral("consumer"),
                QStringLiteral("ack"),           QStringLiteral("from"),
                QStringLiteral("count"),         QStringLiteral("block"),
                QStringLiteral("minidle"),       QStringLiteral("dead"),
                QStringLiteral("maxdeliveries"), QStringLiteral("field"),
                QStringLiteral("heartbeat"),     QStringLiteral("claiminterval")};
    case Mode::Tail:
        return {QStringLiteral("from"), QStringLiteral("field"), QStringLiteral("count")};
    case Mode::Peek:
        // window = rows shown at each end of a list (or per page of a stream).
        return {QStringLiteral("window")};
    case Mode::Observe:
        // source = monitor (commands and payloads, costly) or events (keyspace notifications:
        // no payloads, no clients, cheap); pattern=1: the target is a glob.
        return {QStringLiteral("source"), QStringLiteral("pattern")};
    }
    return {};
}
} // namespace

QStringList ConsumerSpec::knownOptions(Mode mode)
{
    // record = a JSON Lines file that every mode can write what the pane shows to.
    // decoder=, order=newest|oldest and wrap=0|1 only say how the pane shows its rows
    // (ReadingAids takes them); no consumer sees them.
    return modeOptions(mode) << QStringLiteral("record") << QStringLiteral("decoder")
                             << QStringLiteral("order") << QStringLiteral("wrap");
}

bool ConsumerSpec::consumes(Mode mode)
{
    return mode == Mode::List || mode == Mode::Reliable || mode == Mode::Stream;
}

namespace {
bool isStreamId(const QString& v)
{
    static const QRegularExpression re(QStringLiteral("^\\d+(-\\d+)?$"));
    return re.match(v).hasMatch();
}
} // namespace

bool ConsumerSpec::validateOptions(const ConsumerSpec& spec, QString* error)
{
    // Values are checked here, so a worker never starts with a setting it cannot use.
    for (auto it = spec.options.cbegin(); it != spec.options.cend(); ++it) {
        const QString& key = it.key();
        const QString& v = it.value();
        bool ok = true;
        QString expected;
        if (key == QLatin1String("ack")) {
            QStringList allowed{QStringLiteral("auto"), QStringLiteral("manual")};
            if (spec.mode == Mode::Stream)
                allowed << QStringLiteral("none");
            ok = allowed.contains(v);
            expected = allowed.join(QLatin1Char('|'));
        } else if (key == QLatin1String("record")) {
            ok = !v.isEmpty();
            expected = tr("a file name");
        } else if (key == QLatin1String("decoder")) {
            QStringList keys;
            for (const PayloadDecoder::Kind kind : PayloadDecoder::choices())
                keys << PayloadDecoder::key(kind);
            ok = keys.contains(v);
            expected = keys.join(QLatin1Char('|'));
        } else if (key == QLatin1String("order")) {
            ok = v == QLatin1String("newest") || v == QLatin1String("oldest");
            expected = QStringLiteral("newest|oldest");
        } else if (key == QLatin1String("wrap")) {
            ok = v == QLatin1String("0") || v == QLatin1String("1");
            expected = QStringLiteral("0|1");
        } else if (key == QLatin1String("source")) {
            ok = v == QLatin1String("monitor") || v == QLatin1String("events");
            expected = QStringLiteral("monitor|events");
        } else if (key == QLatin1String("pattern")) {
            ok = v == QLatin1String("0") || v == QLatin1String("1");
            expected = QStringLiteral("0|1");
        } else if (key == QLatin1String("window")) {
            const int n = v.toInt(&ok);
            ok = ok && n >= 1 && n <= 10000;
            expected = tr("a whole number from 1 to 10000");
        } else if (key == QLatin1String("maxdeliveries") || key == QLatin1String("count")) {
            ok = v.toInt(&ok) > 0 && ok;
            expected = tr("a whole number above 0");
        } else if (key == QLatin1String("block") || key == QLatin1String("minidle") ||
                   key == QLatin1String("claiminterval")) {
            const qint64 n = v.toLongLong(&ok);
            ok = ok && n >= 0;
            expected = tr("milliseconds, 0 or more");
        } else if (key == QLatin1String("heartbeat")) {
            const int n = v.toInt(&ok);
            ok = ok && n >= 300;
            expected = tr("milliseconds, 300 or more");
        } else if (key == QLatin1String("from")) {
            ok = v == QLatin1String("$") || isStreamId(v);
            expected = tr("$ (new entries only), 0 (from the start) or an entry id");
        } else if (key == QLatin1String("consumer") || key == QLatin1String("processing") ||
                   key == QLatin1String("dead") || key == QLatin1String("group") ||
                   key == QLatin1String("field")) {
            // Heartbeat keys end in ":alive"; a list named like one would be overwritten.
            ok = !v.isEmpty() && !v.endsWith(QLatin1String(":alive")) &&
                 (key == QLatin1String("field") || key == QLatin1String("consumer") ||
                  key == QLatin1String("group") || v.toUtf8() != spec.target);
            expected = key == QLatin1String("consumer") || key == QLatin1String("group") ||
                               key == QLatin1String("field")
                           ? tr("a name, not ending in :alive")
                           : tr("a key other than the queue itself, not ending in :alive");
        }
        if (!ok) {
            *error = tr("Option %1=%2 is not valid for mode %3 (expected %4).")
                         .arg(key, v, modeName(spec.mode), expected);
            return false;
        }
    }
    return true;
}

bool ConsumerSpec::parse(const QString& text, ConsumerSpec* out, QString* error)
{
    QString dummy;
    if (!error)
        error = &dummy;
    const int colon = text.indexOf(QLatin1Char(':'));
    if (colon <= 0) {
        *error = tr("\"%1\" is not MODE:TARGET (MODE is one of %2).")
                     .arg(text, modeNames().join(QStringLiteral(", ")));
        return false;
    }
    ConsumerSpec spec;
    const QString modeText = text.left(colon).trimmed();
    if (!modeFromName(modeText, &spec.mode)) {
        *error = tr("Unknown mode \"%1\" (use one of %2).")
                     .arg(modeText, modeNames().join(QStringLiteral(", ")));
        return false;
    }
    const QStringList parts = text.mid(colon + 1).split(QLatin1Char(','));
    spec.target = parts.first().toUtf8();
    if (spec.target.isEmpty()) {
        *error = tr("\"%1\" names no target.").arg(text);
        return false;
    }
    const QStringList known = knownOptions(spec.mode);
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QString& kv = parts[i];
        const int eq = kv.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            *error = tr("Option \"%1\" is not key=value.").arg(kv);
            return false;
        }
        const QString key = kv.left(eq).trimmed();
        if (!known.contains(key)) {
            *error = tr("Mode %1 has no option \"%2\".").arg(modeName(spec.mode), key);
            return false;
        }
        spec.options.insert(key, kv.mid(eq + 1).trimmed());
    }
    if (!validateOptions(spec, error))
        return false;
    *out = spec;
    return true;
}

QString ConsumerSpec::toString() const
{
    QString s = modeName(mode) + QLatin1Char(':') + QString::fromUtf8(target);
    for (auto it = options.cbegin(); it != options.cend(); ++it)
        s += QLatin1Char(',') + it.key() + QLatin1Char('=') + it.value();
    return s;
}

} // namespace rqc
