// STEP and BREP reading and writing of OpenCASCADE shapes.
#include "geom/shape_io.h"

#include <BRepTools.hxx>
#include <BRep_Builder.hxx>
#include <IFSelect_ReturnStatus.hxx>
#include <Interface_Static.hxx>
#include <Message.hxx>
#include <Message_Gravity.hxx>
#include <Message_Messenger.hxx>
#include <Message_Printer.hxx>
#include <STEPControl_Reader.hxx>
#include <STEPControl_Writer.hxx>
#include <Standard_Failure.hxx>
#include <TCollection_AsciiString.hxx>

#include <fstream>
#include <mutex>

#include "core/error.h"

namespace cad::geom {
namespace {

std::string extension(const std::string& path) {
  auto dot = path.rfind('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

// OCCT's messages (its STEP translators print progress, and parse errors in terminal colours)
// never reach our stdout (JSONL) or stderr: the default printers are replaced by one that keeps
// the failures, which read_shape puts into its error message.
class CollectingPrinter : public Message_Printer {
 public:
  std::string take() {
    std::string out;
    out.swap(failures_);
    return out;
  }

 protected:
  void send(const TCollection_AsciiString& text, const Message_Gravity gravity) const override {
    if (gravity < Message_Fail) return;
    std::string line = text.ToCString();
    // "**** ERR StepFile : Undefined Parsing: ... ****" -> the words in between.
    while (!line.empty() && (line.front() == '*' || line.front() == ' ')) line.erase(0, 1);
    while (!line.empty() && (line.back() == '*' || line.back() == ' ' || line.back() == '\n'))
      line.pop_back();
    if (line.empty()) return;
    if (!failures_.empty()) failures_ += "; ";
    failures_ += line;
  }

 private:
  mutable std::string failures_;
};

CollectingPrinter& occt_messages() {
  static Handle(CollectingPrinter) printer = [] {
    Handle(CollectingPrinter) p = new CollectingPrinter();
    const Handle(Message_Messenger)& m = Message::DefaultMessenger();
    m->ChangePrinters().Clear();
    m->AddPrinter(p);
    return p;
  }();
  return *printer;
}

void silence_occt_messages() {
  occt_messages().take();  // installs the printer; drops what an earlier call left
}

}  // namespace

void write_shape(const TopoDS_Shape& shape, const std::string& path) {
  std::string ext = extension(path);
  try {
    if (ext == "brep") {
      if (!BRepTools::Write(shape, path.c_str())) throw cad::Error(path + ": cannot write BREP");
      return;
    }
    if (ext != "step" && ext != "stp")
      throw cad::Error(path + ": unknown solid format '." + ext + "' (use .step, .stp or .brep)");
    silence_occt_messages();
    STEPControl_Writer writer;
    Interface_Static::SetCVal("write.step.schema", "AP214IS");
    if (writer.Transfer(shape, STEPControl_AsIs) != IFSelect_RetDone)
      throw cad::Error(path + ": STEP transfer failed");
    if (writer.Write(path.c_str()) != IFSelect_RetDone)
      throw cad::Error(path + ": cannot write STEP");
  } catch (const Standard_Failure& e) {
    throw cad::Error(path + ": " + e.GetMessageString());
  }
}

TopoDS_Shape read_shape(const std::string& path) {
  if (!std::ifstream(path)) throw cad::Error(path + ": No such file or directory");
  std::string ext = extension(path);
  try {
    if (ext == "brep") {
      TopoDS_Shape shape;
      BRep_Builder builder;
      if (!BRepTools::Read(shape, path.c_str(), builder))
        throw cad::Error(path + ": not a BREP file");
      return shape;
    }
    silence_occt_messages();
    STEPControl_Reader reader;
    if (reader.ReadFile(path.c_str()) != IFSelect_RetDone) {
      const std::string why = occt_messages().take();
      throw cad::Error(path + ": not a readable STEP file" + (why.empty() ? "" : " (" + why + ")"));
    }
    reader.TransferRoots();
    TopoDS_Shape shape = reader.OneShape();
    if (shape.IsNull()) throw cad::Error(path + ": STEP file holds no shape");
    return shape;
  } catch (const Standard_Failure& e) {
    throw cad::Error(path + ": " + e.GetMessageString());
  }
}

}  // namespace cad::geom
