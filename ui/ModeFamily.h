#pragma once

#include "ConsumerSpec.h"

namespace rqc {

// What a mode consumes from: a list key, a channel (or pattern), or a stream. Panes on the same
// target in one family show the same thing. The reliable and stream modes are matched by name,
// so this builds whichever set of modes ConsumerSpec offers.
enum class ModeFamily { List, Channel, Stream, Other };

inline ModeFamily modeFamily(Mode mode)
{
    if (mode == Mode::List || mode == Mode::Peek) // peek reads a list (or browses a stream)
        return ModeFamily::List;
    if (mode == Mode::PubSub || mode == Mode::Pattern || mode == Mode::SPubSub)
        return ModeFamily::Channel;
    const QString name = ConsumerSpec::modeName(mode);
    if (name == QLatin1String("reliable"))
        return ModeFamily::List;
    if (name == QLatin1String("stream") || name == QLatin1String("tail"))
        return ModeFamily::Stream;
    return ModeFamily::Other;
}

// The modes a pane can be switched to, in ConsumerSpec's order.
inline QList<Mode> paneModes()
{
    QList<Mode> modes;
    for (const QString& name : ConsumerSpec::modeNames()) {
        Mode mode = Mode::List;
        if (ConsumerSpec::modeFromName(name, &mode))
            modes << mode;
    }
    return modes;
}

} // namespace rqc
