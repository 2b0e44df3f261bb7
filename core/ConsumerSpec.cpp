#include "ConsumerSpec.h"

#include <QCoreApplication>

namespace rqc {

namespace {
struct ModeInfo {
    Mode mode;
    const char* name;
};
constexpr ModeInfo kModes[] = {
    {Mode::PubSub, "pubsub"},
    {Mode::Pattern, "pattern"},
    {Mode::List, "list"},
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
    case Mode::List:
        return tr("List (LPUSH/BRPOP)");
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
    case Mode::List:
        return tr("At most once: each message goes to one consumer, but is lost if that consumer "
                  "dies between the pop and processing.");
    }
    return {};
}

QStringList ConsumerSpec::knownOptions(Mode mode)
{
    switch (mode) {
    case Mode::PubSub:
    case Mode::Pattern:
        return {};
    case Mode::List:
        // direction=fifo (BRPOP, the default with LPUSH) or lifo (BLPOP); batch = RPOP count.
        return {QStringLiteral("direction"), QStringLiteral("batch")};
    }
    return {};
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
