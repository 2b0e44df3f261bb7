#pragma once

#include "AckingConsumer.h"
#include "ConsumerSpec.h"

#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QToolButton;

namespace rqc {

// The precise-mode controls above a pane's live view: the ack policy (auto / manual / none —
// none only for streams, NOACK, at most once), the Ack, Requeue and Dead-letter actions for the
// selected pending messages (manual), and Inspect… for the queue. Each action has a shortcut,
// active while the live view (or this bar) has the focus:
//   Ack Ctrl+K · Requeue Ctrl+Shift+R · Dead-letter Ctrl+Shift+D · Inspect Ctrl+I
// A tail pane shows only that it reads without consuming, and Inspect….
class AckBar : public QWidget {
    Q_OBJECT
public:
    explicit AckBar(QWidget* parent = nullptr);

    // Which controls show, and the policy from the spec's ack option (default auto).
    void setSpec(const ConsumerSpec& spec);
    QString policy() const;
    // How many selected rows are pending: the settle actions are enabled for > 0 (manual only).
    void setPendingSelected(int count);

    QAction* ackAction() const { return m_ack; }
    QAction* requeueAction() const { return m_requeue; }
    QAction* deadLetterAction() const { return m_deadLetter; }
    QAction* inspectAction() const { return m_inspect; }
    QList<QAction*> viewActions() const;

    // Whether a pane in this mode shows the bar at all / the policy and settle actions.
    static bool appliesTo(Mode mode);
    static bool settles(Mode mode);
    static QString policyOf(const ConsumerSpec& spec);
    // The guarantee of a stream read with NOACK (ack=none).
    static QString noAckGuarantee();

signals:
    void policyChosen(const QString& policy);
    void settleRequested(rqc::SettleAction action);
    void inspectRequested();

private:
    QAction* makeAction(const QString& name, const QString& text, const QString& tip,
                        const QKeySequence& shortcut);
    QToolButton* makeButton(QAction* action, const QString& name);
    void updateEnabled();

    bool m_settles = false;
    bool m_updating = false;
    int m_pendingSelected = 0;
    QLabel* m_policyLabel = nullptr;
    QComboBox* m_policyCombo = nullptr;
    QLabel* m_readOnlyLabel = nullptr;
    QAction* m_ack = nullptr;
    QAction* m_requeue = nullptr;
    QAction* m_deadLetter = nullptr;
    QAction* m_inspect = nullptr;
    QList<QToolButton*> m_settleButtons;
};

} // namespace rqc
