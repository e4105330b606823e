// Similarity transforms (rotation, uniform scale, translation) applied to meshes and solids.
#include "geom/similarity.h"

#include <BRepBuilderAPI_GTransform.hxx>
#include <BRepBuilderAPI_Transform.hxx>
#include <Standard_Failure.hxx>
#include <gp_GTrsf.hxx>

#include "core/error.h"

namespace cad::geom {

std::array<double, 3> Similarity::apply(const std::array<double, 3>& p) const {
  std::array<double, 3> out;
  for (int i = 0; i < 3; ++i)
    out[i] = scale * (rotation[i][0] * p[0] + rotation[i][1] * p[1] + rotation[i][2] * p[2]) +
             translation[i];
  return out;
}

Similarity Similarity::after(const Similarity& first) const {
  Similarity out;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      double s = 0;
      for (int k = 0; k < 3; ++k) s += rotation[i][k] * first.rotation[k][j];
      out.rotation[i][j] = s;
    }
  out.scale = scale * first.scale;
  out.translation = apply(first.translation);
  return out;
}

namespace {
double determinant(const std::array<std::array<double, 3>, 3>& r) {
  return r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) -
         r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
         r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
}
}  // namespace

Mesh transformed(const Mesh& mesh, const Similarity& s) {
  Mesh out;
  out.vertices.reserve(mesh.vertices.size());
  for (const auto& v : mesh.vertices) {
    auto p = s.apply({v[0], v[1], v[2]});
    out.vertices.push_back(
        {static_cast<float>(p[0]), static_cast<float>(p[1]), static_cast<float>(p[2])});
  }
  out.triangles = mesh.triangles;
  if (determinant(s.rotation) < 0)
    for (auto& t : out.triangles) std::swap(t[1], t[2]);
  return out;
}

TopoDS_Shape transformed(const TopoDS_Shape& shape, const Similarity& s) {
  try {
    gp_GTrsf g;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) g.SetValue(i + 1, j + 1, s.scale * s.rotation[i][j]);
    g.SetTranslationPart(gp_XYZ(s.translation[0], s.translation[1], s.translation[2]));
    BRepBuilderAPI_GTransform op(shape, g, true);
    if (!op.IsDone()) throw cad::Error("transforming a solid failed");
    return op.Shape();
  } catch (const Standard_Failure& e) {
    throw cad::Error(std::string("transforming a solid failed: ") + e.GetMessageString());
  }
}

}  // namespace cad::geom
