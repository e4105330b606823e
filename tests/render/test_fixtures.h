// Shapes shared by the render tests, built directly with OpenCASCADE.
#pragma once

#include <BRepAlgoAPI_Cut.hxx>
#include <BRepPrimAPI_MakeBox.hxx>
#include <BRepPrimAPI_MakeCylinder.hxx>
#include <gp_Ax2.hxx>

/// A 40 x 20 x 10 block from the origin with a through hole of diameter 6 at (10, 5).
inline TopoDS_Shape block_with_hole() {
  TopoDS_Shape block = BRepPrimAPI_MakeBox(40, 20, 10).Shape();
  TopoDS_Shape pin =
      BRepPrimAPI_MakeCylinder(gp_Ax2(gp_Pnt(10, 5, -1), gp_Dir(0, 0, 1)), 3, 12).Shape();
  BRepAlgoAPI_Cut cut(block, pin);
  return cut.Shape();
}
