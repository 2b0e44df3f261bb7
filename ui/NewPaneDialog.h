#pragma once

#include "ConsumerSpec.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace rqc {

// Asks for a mode and a target for a new pane; the target need not exist on the server yet.
class NewPaneDialog : public QDialog {
    Q_OBJECT
public:
    explicit NewPaneDialog(const ConsumerSpec& suggestion, QWidget* parent = nullptr);

    ConsumerSpec spec() const;
    // With several servers open: which one the pane is for (shown only when there are two or
    // more); serverIndex() is the chosen one's position in names.
    void setServers(const QStringList& names, int current);
    int serverIndex() const;

private:
    void updateState();

    QComboBox* m_serverCombo = nullptr;
    QLabel* m_serverLabel = nullptr;
    QComboBox* m_modeCombo = nullptr;
    QLineEdit* m_targetEdit = nullptr;
    QLabel* m_guaranteeLabel = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace rqc
