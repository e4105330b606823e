// Triangle meshes: tessellation of OpenCASCADE shapes and STL/PLY/OBJ reading and writing.
#include "geom/mesh.h"

#include <BRepBndLib.hxx>
#include <BRepMesh_IncrementalMesh.hxx>
#include <BRep_Tool.hxx>
#include <Bnd_Box.hxx>
#include <Poly_PolygonOnTriangulation.hxx>
#include <Poly_Triangulation.hxx>
#include <Standard_Failure.hxx>
#include <TopExp.hxx>
#include <TopExp_Explorer.hxx>
#include <TopTools_IndexedMapOfShape.hxx>
#include <TopoDS.hxx>
#include <TopoDS_Edge.hxx>
#include <TopoDS_Face.hxx>
#include <TopoDS_Vertex.hxx>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "core/error.h"

namespace cad::geom {

Mesh tessellate(const TopoDS_Shape& shape, double linear_deflection, double angular_deflection,
                bool relative) {
  Mesh mesh;
  if (shape.IsNull()) return mesh;
  try {
    if (linear_deflection <= 0) {
      Bnd_Box box;
      BRepBndLib::Add(shape, box);
      if (box.IsVoid()) return mesh;
      linear_deflection = std::max(1e-6, 1e-3 * std::sqrt(box.SquareExtent()));
    }
    BRepMesh_IncrementalMesh mesher(shape, linear_deflection, relative, angular_deflection, false);
    for (TopExp_Explorer ex(shape, TopAbs_FACE); ex.More(); ex.Next()) {
      const TopoDS_Face& face = TopoDS::Face(ex.Current());
      TopLoc_Location loc;
      Handle(Poly_Triangulation) tri = BRep_Tool::Triangulation(face, loc);
      if (tri.IsNull()) continue;
      const gp_Trsf& trsf = loc.Transformation();
      auto base = static_cast<std::uint32_t>(mesh.vertices.size());
      for (int i = 1; i <= tri->NbNodes(); ++i) {
        gp_Pnt p = tri->Node(i).Transformed(trsf);
        mesh.vertices.push_back(
            {static_cast<float>(p.X()), static_cast<float>(p.Y()), static_cast<float>(p.Z())});
      }
      bool reversed = face.Orientation() == TopAbs_REVERSED;
      for (int i = 1; i <= tri->NbTriangles(); ++i) {
        int a, b, c;
        tri->Triangle(i).Get(a, b, c);
        if (reversed) std::swap(b, c);
        mesh.triangles.push_back({base + a - 1, base + b - 1, base + c - 1});
      }
    }
  } catch (const Standard_Failure& e) {
    throw cad::Error(std::string("tessellation failed: ") + e.GetMessageString());
  }
  return mesh;
}

Mesh tessellate_watertight(const TopoDS_Shape& shape, double linear_deflection,
                           double angular_deflection) {
  Mesh mesh;
  if (shape.IsNull()) return mesh;
  try {
    BRepMesh_IncrementalMesh mesher(shape, linear_deflection, false, angular_deflection, false);
    TopTools_IndexedMapOfShape vertex_map, edge_map;
    TopExp::MapShapes(shape, TopAbs_VERTEX, vertex_map);
    TopExp::MapShapes(shape, TopAbs_EDGE, edge_map);
    std::vector<std::int64_t> vertex_ids(vertex_map.Extent() + 1, -1);
    std::vector<std::vector<std::int64_t>> edge_ids(edge_map.Extent() + 1);
    auto add_point = [&mesh](const gp_Pnt& p) {
      mesh.vertices.push_back(
          {static_cast<float>(p.X()), static_cast<float>(p.Y()), static_cast<float>(p.Z())});
      return static_cast<std::int64_t>(mesh.vertices.size() - 1);
    };
    auto vertex_id = [&](const TopoDS_Vertex& v) {
      std::int64_t& id = vertex_ids[vertex_map.FindIndex(v)];
      if (id < 0) id = add_point(BRep_Tool::Pnt(v));
      return id;
    };
    for (TopExp_Explorer fx(shape, TopAbs_FACE); fx.More(); fx.Next()) {
      const TopoDS_Face& face = TopoDS::Face(fx.Current());
      TopLoc_Location loc;
      Handle(Poly_Triangulation) tri = BRep_Tool::Triangulation(face, loc);
      if (tri.IsNull()) continue;
      const gp_Trsf& trsf = loc.Transformation();
      std::vector<std::int64_t> local(tri->NbNodes() + 1, -1);
      for (TopExp_Explorer ex(face, TopAbs_EDGE); ex.More(); ex.Next()) {
        const TopoDS_Edge& edge = TopoDS::Edge(ex.Current());
        Handle(Poly_PolygonOnTriangulation) poly =
            BRep_Tool::PolygonOnTriangulation(edge, tri, loc);
        if (poly.IsNull() || poly->NbNodes() < 2) continue;
        const int n = poly->NbNodes();
        TopoDS_Vertex first, last;
        TopExp::Vertices(TopoDS::Edge(edge.Oriented(TopAbs_FORWARD)), first, last);
        if (BRep_Tool::Degenerated(edge)) {
          for (int k = 1; k <= n; ++k) local[poly->Node(k)] = vertex_id(first);
          continue;
        }
        // The edge is discretized once and shared by its faces: node k of its polygon is the
        // same point in every face (first and last at its vertices).
        std::vector<std::int64_t>& ids = edge_ids[edge_map.FindIndex(edge)];
        if (ids.empty()) {
          ids.assign(n, -1);
          ids[0] = vertex_id(first);
          ids[n - 1] = vertex_id(last);
          for (int k = 1; k < n - 1; ++k)
            ids[k] = add_point(tri->Node(poly->Node(k + 1)).Transformed(trsf));
        }
        if (static_cast<int>(ids.size()) != n) continue;  // the face keeps its own nodes
        for (int k = 0; k < n; ++k) local[poly->Node(k + 1)] = ids[k];
      }
      for (int i = 1; i <= tri->NbNodes(); ++i)
        if (local[i] < 0) local[i] = add_point(tri->Node(i).Transformed(trsf));
      bool reversed = face.Orientation() == TopAbs_REVERSED;
      for (int i = 1; i <= tri->NbTriangles(); ++i) {
        int a, b, c;
        tri->Triangle(i).Get(a, b, c);
        if (reversed) std::swap(b, c);
        auto ia = static_cast<std::uint32_t>(local[a]), ib = static_cast<std::uint32_t>(local[b]),
             ic = static_cast<std::uint32_t>(local[c]);
        if (ia == ib || ib == ic || ia == ic) continue;  // collapsed on a degenerated edge
        mesh.triangles.push_back({ia, ib, ic});
      }
    }
  } catch (const Standard_Failure& e) {
    throw cad::Error(std::string("tessellation failed: ") + e.GetMessageString());
  }
  return mesh;
}

namespace {

std::string extension(const std::string& path) {
  auto dot = path.rfind('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

std::array<float, 3> normal_of(const Mesh& m, const std::array<std::uint32_t, 3>& t) {
  const auto &a = m.vertices[t[0]], &b = m.vertices[t[1]], &c = m.vertices[t[2]];
  float u[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]},
        v[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
  std::array<float, 3> n{u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2],
                         u[0] * v[1] - u[1] * v[0]};
  float len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
  if (len > 0)
    for (float& x : n) x /= len;
  return n;
}

void write_stl(const Mesh& m, std::ofstream& out) {
  char header[80] = "cadrl binary STL";
  out.write(header, 80);
  auto n = static_cast<std::uint32_t>(m.triangles.size());
  out.write(reinterpret_cast<const char*>(&n), 4);
  for (const auto& t : m.triangles) {
    auto normal = normal_of(m, t);
    out.write(reinterpret_cast<const char*>(normal.data()), 12);
    for (auto idx : t) out.write(reinterpret_cast<const char*>(m.vertices[idx].data()), 12);
    std::uint16_t attr = 0;
    out.write(reinterpret_cast<const char*>(&attr), 2);
  }
}

// Merges identical vertices of a triangle soup (STL stores each triangle's corners).
struct VertexMerger {
  Mesh& mesh;
  std::map<std::array<float, 3>, std::uint32_t> index;
  std::uint32_t add(const std::array<float, 3>& p) {
    auto [it, inserted] = index.emplace(p, static_cast<std::uint32_t>(mesh.vertices.size()));
    if (inserted) mesh.vertices.push_back(p);
    return it->second;
  }
};

Mesh read_stl(const std::string& path, const std::string& data) {
  Mesh mesh;
  VertexMerger merge{mesh, {}};
  if (data.size() >= 84) {
    std::uint32_t n;
    std::memcpy(&n, data.data() + 80, 4);
    if (84 + 50ull * n == data.size()) {
      for (std::uint32_t i = 0; i < n; ++i) {
        const char* rec = data.data() + 84 + 50ull * i + 12;
        std::array<std::uint32_t, 3> tri;
        for (int k = 0; k < 3; ++k) {
          std::array<float, 3> p;
          std::memcpy(p.data(), rec + 12 * k, 12);
          tri[k] = merge.add(p);
        }
        mesh.triangles.push_back(tri);
      }
      return mesh;
    }
  }
  if (data.compare(0, 5, "solid") != 0) throw cad::Error(path + ": not an STL file");
  std::istringstream in(data);
  std::string word;
  std::vector<std::uint32_t> corners;
  while (in >> word) {
    if (word != "vertex") continue;
    std::array<float, 3> p;
    if (!(in >> p[0] >> p[1] >> p[2])) throw cad::Error(path + ": malformed ASCII STL vertex");
    corners.push_back(merge.add(p));
    if (corners.size() == 3) {
      mesh.triangles.push_back({corners[0], corners[1], corners[2]});
      corners.clear();
    }
  }
  return mesh;
}

Mesh read_obj(const std::string& path, const std::string& data) {
  Mesh mesh;
  std::istringstream in(data);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string tag;
    ls >> tag;
    if (tag == "v") {
      std::array<float, 3> p;
      if (!(ls >> p[0] >> p[1] >> p[2])) throw cad::Error(path + ": malformed OBJ vertex");
      mesh.vertices.push_back(p);
    } else if (tag == "f") {
      std::vector<std::uint32_t> idx;
      std::string tok;
      while (ls >> tok) {
        long v = std::stol(tok.substr(0, tok.find('/')));
        idx.push_back(static_cast<std::uint32_t>(v < 0 ? mesh.vertices.size() + v : v - 1));
      }
      for (std::size_t k = 1; k + 1 < idx.size(); ++k)
        mesh.triangles.push_back({idx[0], idx[k], idx[k + 1]});
    }
  }
  return mesh;
}

Mesh read_ply(const std::string& path, const std::string& data) {
  std::istringstream in(data);
  std::string line, format;
  std::size_t nv = 0, nf = 0;
  int vertex_props = 0;
  bool in_vertex = false;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string w;
    ls >> w;
    if (w == "format") ls >> format;
    if (w == "element") {
      std::string what;
      ls >> what;
      in_vertex = what == "vertex";
      (in_vertex ? nv : nf) = 0;
      ls >> (in_vertex ? nv : nf);
    }
    if (w == "property" && in_vertex) ++vertex_props;
    if (w == "end_header") break;
  }
  Mesh mesh;
  if (format == "ascii") {
    for (std::size_t i = 0; i < nv; ++i) {
      std::getline(in, line);
      std::istringstream ls(line);
      std::array<float, 3> p;
      ls >> p[0] >> p[1] >> p[2];
      mesh.vertices.push_back(p);
    }
    for (std::size_t i = 0; i < nf; ++i) {
      std::size_t k;
      in >> k;
      std::vector<std::uint32_t> idx(k);
      for (auto& v : idx) in >> v;
      for (std::size_t j = 1; j + 1 < k; ++j)
        mesh.triangles.push_back({idx[0], idx[j], idx[j + 1]});
    }
  } else if (format == "binary_little_endian" && vertex_props == 3) {
    std::size_t off = static_cast<std::size_t>(in.tellg());
    for (std::size_t i = 0; i < nv; ++i, off += 12) {
      std::array<float, 3> p;
      std::memcpy(p.data(), data.data() + off, 12);
      mesh.vertices.push_back(p);
    }
    for (std::size_t i = 0; i < nf; ++i) {
      auto k = static_cast<unsigned char>(data[off++]);
      std::vector<std::uint32_t> idx(k);
      std::memcpy(idx.data(), data.data() + off, 4 * k);
      off += 4 * k;
      for (std::size_t j = 1; j + 1 < k; ++j)
        mesh.triangles.push_back({idx[0], idx[j], idx[j + 1]});
    }
  } else {
    throw cad::Error(path + ": unsupported PLY format '" + format +
                     "' (ASCII, or binary with float x y z)");
  }
  return mesh;
}

}  // namespace

void write_mesh(const Mesh& mesh, const std::string& path) {
  std::string ext = extension(path);
  std::ofstream out(path, std::ios::binary);
  if (!out) throw cad::Error(path + ": cannot open for writing");
  if (ext == "stl") {
    write_stl(mesh, out);
  } else if (ext == "ply") {
    out << "ply\nformat ascii 1.0\nelement vertex " << mesh.vertices.size()
        << "\nproperty float x\nproperty float y\nproperty float z\nelement face "
        << mesh.triangles.size() << "\nproperty list uchar int vertex_indices\nend_header\n";
    for (const auto& v : mesh.vertices) out << v[0] << ' ' << v[1] << ' ' << v[2] << '\n';
    for (const auto& t : mesh.triangles) out << "3 " << t[0] << ' ' << t[1] << ' ' << t[2] << '\n';
  } else if (ext == "obj") {
    for (const auto& v : mesh.vertices) out << "v " << v[0] << ' ' << v[1] << ' ' << v[2] << '\n';
    for (const auto& t : mesh.triangles)
      out << "f " << t[0] + 1 << ' ' << t[1] + 1 << ' ' << t[2] + 1 << '\n';
  } else {
    throw cad::Error(path + ": unknown mesh format '." + ext + "' (use .stl, .ply or .obj)");
  }
  if (!out) throw cad::Error(path + ": write failed");
}

Mesh read_mesh(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw cad::Error(path + ": No such file or directory");
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string ext = extension(path);
  Mesh mesh = ext == "obj"   ? read_obj(path, data)
              : ext == "ply" ? read_ply(path, data)
                             : read_stl(path, data);
  for (const auto& t : mesh.triangles)
    for (auto i : t)
      if (i >= mesh.vertices.size()) throw cad::Error(path + ": triangle index out of range");
  return mesh;
}

double mesh_volume(const Mesh& m) {
  double v = 0;
  for (const auto& t : m.triangles) {
    const auto &a = m.vertices[t[0]], &b = m.vertices[t[1]], &c = m.vertices[t[2]];
    v += (double(a[0]) * (double(b[1]) * c[2] - double(b[2]) * c[1]) -
          double(a[1]) * (double(b[0]) * c[2] - double(b[2]) * c[0]) +
          double(a[2]) * (double(b[0]) * c[1] - double(b[1]) * c[0])) /
         6.0;
  }
  return v;
}

double mesh_area(const Mesh& m) {
  double s = 0;
  for (const auto& t : m.triangles) {
    const auto &a = m.vertices[t[0]], &b = m.vertices[t[1]], &c = m.vertices[t[2]];
    double u[3] = {double(b[0]) - a[0], double(b[1]) - a[1], double(b[2]) - a[2]};
    double w[3] = {double(c[0]) - a[0], double(c[1]) - a[1], double(c[2]) - a[2]};
    double n[3] = {u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]};
    s += 0.5 * std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
  }
  return s;
}

}  // namespace cad::geom
