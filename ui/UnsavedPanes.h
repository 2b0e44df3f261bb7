#pragma once

#include "AppOptions.h"

#include <QStringList>

class QSettings;

namespace rqc {

// The panes of the unsaved server (--url, the sandbox, the default server) stay with that
// server: saved under its identity — the --url without its password, "sandbox", or the default
// server's address — and reopened only at a start that names the same server. A start on
// another server does not reopen them (they are kept for when that server is named again), and
// says so once.
namespace UnsavedPanes {

// What the unsaved server of a start is, for keeping its panes.
QString identity(const AppOptions& options);
// Records the unsaved server's panes at quit (beside ServerHub::unsavedPanesKey()).
void remember(QSettings* settings, const AppOptions& options, const QStringList& specs);
// The panes to reopen for this start's unsaved server. *skipped: the sentence for the status
// bar when panes of another server were not reopened, else empty.
QStringList restorable(QSettings* settings, const AppOptions& options, QString* skipped);

} // namespace UnsavedPanes

} // namespace rqc
