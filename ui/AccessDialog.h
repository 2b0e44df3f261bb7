#pragma once

#include "AccessRefusal.h"
#include "ConnectionSettings.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace rqc {

// Asks for what a server that refused us wants: a password (and optionally an ACL user) when it
// refused our credentials, or a TLS choice when TLS refused its certificate — a CA file to trust,
// or skipping verification (with a warning that stays visible). The result lives in memory only
// (settings()); nothing here is written to the settings file.
class AccessDialog : public QDialog {
    Q_OBJECT
public:
    AccessDialog(AccessRefusal kind, const QString& reason, const ConnectionSettings& current,
                 QWidget* parent = nullptr);

    AccessRefusal kind() const { return m_kind; }
    // current with what the user entered. For a certificate refusal an empty password field
    // keeps the password there was.
    ConnectionSettings settings() const;

private:
    void chooseCaFile();

    AccessRefusal m_kind;
    ConnectionSettings m_current;
    QLineEdit* m_userEdit = nullptr;
    QLineEdit* m_passwordEdit = nullptr;
    QLineEdit* m_caFileEdit = nullptr;
    QCheckBox* m_insecureCheck = nullptr;
    QLabel* m_insecureWarning = nullptr;
};

} // namespace rqc
