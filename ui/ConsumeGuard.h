#pragma once

#include "ConnectionSettings.h"
#include "ConsumerSpec.h"
#include "QueueInspector.h"

#include <QList>
#include <QMessageBox>
#include <QObject>
#include <QPointer>

class QSettings;
class QWidget;

namespace rqc {

class CensusService;
class ConsumerCensus;
class QueuePane;

// Never take by accident (DESIGN.md, "Safe on a real server"): a pane switched to a consuming
// mode from the window, on a server that is not the console's own sandbox, is asked about first.
// The question names what will happen and the consumers already there (a ConsumerCensus of the
// target); "Don't ask again for this server" and every confirmed mode:target are remembered in
// QSettings under the server's identity (host:port/db or the socket path, never a password), so
// that a restored layout consumes again only where the user said so before.
class ConsumeGuard : public QObject {
    Q_OBJECT
public:
    ConsumeGuard(QSettings* settings, QWidget* dialogParent);
    ~ConsumeGuard() override;

    // The server, once the session knows it (panes ask nothing before), and its shared census
    // (null: a private one per question).
    void setServer(const ConnectionSettings& server, bool sandbox, CensusService* census = nullptr);
    bool knowsServer() const { return m_known; }
    bool isSandbox() const { return m_sandbox; }

    static QString serverIdentity(const ConnectionSettings& server);
    // What a pane shows instead of spec until consuming is confirmed: Peek for lists, Tail for
    // streams; spec itself when it takes nothing.
    static ConsumerSpec safeSpec(const ConsumerSpec& spec);
    // One sentence: what consuming spec does to the server's other consumers.
    static QString whatHappens(const ConsumerSpec& spec);
    // The consumers already there, as a confirmation names them.
    static QStringList consumersThere(const ConsumerSpec& spec, const QueueSnapshot& census);

    bool dontAsk() const;
    // Whether spec may consume without a question: the sandbox, "don't ask again", or confirmed
    // before for this server.
    bool wasConfirmed(const ConsumerSpec& spec) const;
    void recordConfirmed(const ConsumerSpec& spec);

    // Asks about switching pane to spec (asynchronously: census, then a window-modal question);
    // on yes the pane is approved for the target and switched, on no it stays as it is.
    void ask(QueuePane* pane, const ConsumerSpec& spec);
    // The question on screen, if any (objectName consumeConfirmDialog).
    QMessageBox* openQuestion() const { return m_box; }

    static int censusTimeoutMs() { return 4000; }

signals:
    // A question was answered (for tests and the status bar).
    void answered(rqc::QueuePane* pane, bool consume);

private:
    struct Pending;
    void showQuestion(Pending* pending);
    void approve(QueuePane* pane, const ConsumerSpec& spec);
    QString groupKey() const;

    QSettings* m_settings;
    QWidget* m_dialogParent;
    ConnectionSettings m_server;
    QPointer<CensusService> m_census;
    bool m_known = false;
    bool m_sandbox = false;
    QList<Pending*> m_pending;
    QPointer<QMessageBox> m_box;
};

} // namespace rqc
