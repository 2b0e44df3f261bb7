#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace rqc {

// The delivery modes a pane can run in (see DESIGN.md).
// Peek and Observe read only: they never take a message from anyone (DESIGN.md, "Safe on a real
// server"). List, Reliable and Stream consume. SPubSub is Redis 7's sharded pub/sub (SSUBSCRIBE on
// the cluster node that serves the channel's slot).
enum class Mode { PubSub, Pattern, List, Reliable, Stream, Tail, Peek, Observe, SPubSub };

// What one pane consumes: a mode, a target (channel, pattern or key) and key=value options,
// as given on the command line: `list:queue1,direction=lifo`.
struct ConsumerSpec {
    Q_DECLARE_TR_FUNCTIONS(rqc::ConsumerSpec)

public:
    Mode mode = Mode::List;
    QByteArray target;
    QMap<QString, QString> options;

    QString option(const QString& key, const QString& fallback = QString()) const
    {
        return options.value(key, fallback);
    }

    // Parses MODE:TARGET[,key=value…]. On failure returns false with a sentence in *error.
    static bool parse(const QString& text, ConsumerSpec* out, QString* error);
    QString toString() const;

    static QStringList modeNames();
    static QString modeName(Mode mode);
    static bool modeFromName(const QString& name, Mode* mode);
    // Human label ("Pub/Sub", "List (LPUSH/BRPOP)") and the one-line guarantee, translated.
    static QString modeLabel(Mode mode);
    static QString guarantee(Mode mode);
    // Whether the mode takes messages away from the server (List, Reliable, Stream): switching a
    // pane to one of these from the window is confirmed first.
    static bool consumes(Mode mode);
    // Which options a mode understands (anything else is refused by parse()).
    static QStringList knownOptions(Mode mode);
    // Checks option values (ack=auto|manual…, numbers, key names); parse() calls it.
    static bool validateOptions(const ConsumerSpec& spec, QString* error);

    bool operator==(const ConsumerSpec& o) const
    {
        return mode == o.mode && target == o.target && options == o.options;
    }
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::ConsumerSpec)
