// window-flood and latency: the real MainWindow, offscreen.
#include "Scenarios.h"

namespace rqc::bench {

bool runWindowFlood(const Options&, Result* r) {
    r->name = QStringLiteral("window-flood");
    r->extra.insert(QStringLiteral("error"), QStringLiteral("MainWindow not implemented yet"));
    return false;
}

bool runLatency(const Options&, Result* r) {
    r->name = QStringLiteral("latency");
    r->extra.insert(QStringLiteral("error"), QStringLiteral("MainWindow not implemented yet"));
    return false;
}

} // namespace rqc::bench
