// CadQuery's Compound.makeText on OCCT's text builder (TKV3d / TKService): glyph outlines of a
// system font as planar faces, extruded along their normal and placed on a plane.
#include <BRepBuilderAPI_Transform.hxx>
#include <BRepGProp_Face.hxx>
#include <BRepPrimAPI_MakePrism.hxx>
#include <BRepTools.hxx>
#include <Font_FontMgr.hxx>
#include <Font_SystemFont.hxx>
#include <Graphic3d_HorizontalTextAlignment.hxx>
#include <Graphic3d_VerticalTextAlignment.hxx>
#include <NCollection_String.hxx>
#include <StdPrs_BRepFont.hxx>
#include <StdPrs_BRepTextBuilder.hxx>
#include <TCollection_AsciiString.hxx>
#include <TopExp_Explorer.hxx>
#include <TopoDS.hxx>

#include "cq/shapes.h"
#include "script/value.h"

namespace cad::cq {

TopoDS_Shape make_text(const std::string& text, double size, double height, const std::string& font,
                       const std::string& font_path, const std::string& kind,
                       const std::string& halign, const std::string& valign,
                       const gp_Trsf& position) {
  Font_FontAspect aspect = Font_FA_Regular;
  if (kind == "bold")
    aspect = Font_FA_Bold;
  else if (kind == "italic")
    aspect = Font_FA_Italic;
  else if (kind != "regular")
    script::throw_value_error("text: kind must be 'regular', 'bold' or 'italic', got '" + kind +
                              "'");
  Graphic3d_HorizontalTextAlignment h = Graphic3d_HTA_CENTER;
  if (halign == "left")
    h = Graphic3d_HTA_LEFT;
  else if (halign == "right")
    h = Graphic3d_HTA_RIGHT;
  else if (halign != "center")
    script::throw_value_error("text: halign must be 'center', 'left' or 'right'");
  Graphic3d_VerticalTextAlignment v = Graphic3d_VTA_CENTER;
  if (valign == "bottom")
    v = Graphic3d_VTA_BOTTOM;
  else if (valign == "top")
    v = Graphic3d_VTA_TOP;
  else if (valign != "center")
    script::throw_value_error("text: valign must be 'center', 'top' or 'bottom'");
  if (!(size > 0)) script::throw_value_error("text: the font size must be positive");

  // As CadQuery: a font file when fontPath names a readable font, else the system font of that
  // name, or the font manager's fallback for a name it lacks (Arial is no Debian font; the
  // fallback is DejaVu Sans from fonts-dejavu-core).
  Handle(Font_FontMgr) manager = Font_FontMgr::GetInstance();
  Handle(Font_SystemFont) chosen;
  if (!font_path.empty() && manager->CheckFont(font_path.c_str())) {
    chosen = new Font_SystemFont(TCollection_AsciiString(font_path.c_str()));
    chosen->SetFontPath(aspect, TCollection_AsciiString(font_path.c_str()));
    manager->RegisterFont(chosen, true);
  } else {
    Font_FontAspect found_aspect = aspect;
    chosen = manager->FindFont(TCollection_AsciiString(font.c_str()), Font_StrictLevel_Any,
                               found_aspect, false);
  }
  if (chosen.IsNull()) script::throw_value_error("text: no font found for '" + font + "'");
  StdPrs_BRepFont brep_font(NCollection_String(chosen->FontName().ToCString()), aspect, size);
  StdPrs_BRepTextBuilder builder;
  const TopoDS_Shape flat =
      builder.Perform(brep_font, NCollection_String(text.c_str()), gp_Ax3(), h, v);
  TopExp_Explorer faces(flat, TopAbs_FACE);
  if (flat.IsNull() || !faces.More())
    script::throw_value_error("text: '" + text + "' gives no glyph outlines");
  TopoDS_Shape shape = flat;
  if (height != 0) {
    // The first face's normal at the middle of its parameter range (Face.normalAt()).
    const TopoDS_Face face = TopoDS::Face(faces.Current());
    double u0 = 0, u1 = 0, v0 = 0, v1 = 0;
    BRepTools::UVBounds(face, u0, u1, v0, v1);
    BRepGProp_Face props(face);
    gp_Pnt p;
    gp_Vec normal;
    props.Normal(0.5 * (u0 + u1), 0.5 * (v0 + v1), p, normal);
    if (normal.Magnitude() < 1e-12) script::throw_value_error("text: degenerate glyph face");
    BRepPrimAPI_MakePrism prism(flat, normal.Normalized() * height);
    if (!prism.IsDone()) script::throw_value_error("text: the extrusion failed");
    shape = prism.Shape();
  }
  return BRepBuilderAPI_Transform(shape, position, true).Shape();
}

}  // namespace cad::cq
