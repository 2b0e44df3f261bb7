#pragma once

#include <QString>

class QWidget;

namespace rqc {

// The placeholders the entry box understands (MessageTemplate), as the help popup shows them.
class TemplateHelp {
public:
    static QString text();
    // Shows the popup (objectName "templateHelp") under anchor.
    static QWidget* show(QWidget* anchor);
};

} // namespace rqc
