#pragma once

#include <QFrame>

class QLabel;

namespace rqc {

// The strip at the top of a pane that says which server it belongs to: the saved connection's
// colour as a band, and its label and name ("production · orders-db"), so nobody publishes to
// the wrong server. Hidden when the server is no saved connection.
class ServerTag : public QFrame {
    Q_OBJECT
public:
    explicit ServerTag(QWidget* parent = nullptr);

    // color: "#rrggbb" or empty (no band, the text alone). An empty text hides the tag.
    void setTag(const QString& text, const QString& color);
    QString text() const;
    QString color() const { return m_color; }

private:
    QLabel* m_label = nullptr;
    QString m_color;
};

} // namespace rqc
