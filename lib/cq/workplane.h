// cq.Workplane: CadQuery's fluent object model (stack of objects, shared context, parent
// chain, plane) and its 2D drawing, 3D feature, selection and boolean methods.
#pragma once

#include <TopAbs_ShapeEnum.hxx>
#include <TopoDS_Face.hxx>
#include <TopoDS_Shape.hxx>
#include <gp_Trsf.hxx>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cq/geom_types.h"
#include "cq/host.h"
#include "script/value.h"

namespace cad::cq {

class Workplane;

/// State shared by a Workplane and the objects derived from it (CadQuery's CQContext).
struct Context {
  std::vector<TopoDS_Shape> pending_edges;  ///< drawn edges not yet joined into wires
  std::vector<TopoDS_Shape> pending_wires;  ///< closed wires waiting for extrude/cut/...
  std::optional<gp_Pnt> first_point;        ///< start of the current edge chain (local)
  /// Tagged workplanes, held as CadQuery's ctx.tags holds them (a tag outlives every other
  /// reference to its workplane, e.g. `b = wp.tag("t").end(2)`). Each holds this context: the
  /// cycle is broken by the session's release() (Session::on_release), once per context.
  std::map<std::string, std::shared_ptr<Workplane>> tags;

  /// The workplane tagged `name`; ValueError when there is none.
  std::shared_ptr<Workplane> tagged(const std::string& name) const;
  /// Tags `w` as `name` in this context (`self` is this context's owner pointer).
  void tag(const std::string& name, std::shared_ptr<Workplane> w,
           const std::shared_ptr<Context>& self);
  /// CadQuery's _mergeTags: adds the other context's tags this one does not have.
  void merge_tags(const Context& other, const std::shared_ptr<Context>& self);

 private:
  bool release_registered_ = false;
  void register_release(const std::shared_ptr<Context>& self);
};

/// How a new solid joins the context solid: CadQuery's combine=True/'a', 's'/'cut', False.
enum class Combine { None, Fuse, Cut };

class Workplane : public script::Object {
 public:
  explicit Workplane(const Plane& plane);
  Workplane(const Workplane&) = delete;  // `objects` and `plane` refer into this object's own
  Workplane& operator=(const Workplane&) = delete;

  /// The script's view of the stack and the plane: `wp.objects` is this very list and
  /// `wp.plane` this very Plane, so `wp.objects.append(...)` or `wp.plane.origin = ...` change
  /// the workplane, as CadQuery's plain attributes do.
  std::shared_ptr<script::Sequence> objects_list;
  std::shared_ptr<PlaneObj> plane_obj;
  /// Stack items: cq.Shape, cq.Vector, cq.Location or cq.Sketch values (objects_list's items).
  std::vector<script::Value>& objects;
  std::shared_ptr<Context> ctx;
  std::shared_ptr<Workplane> parent;
  /// The workplane's plane (plane_obj's).
  Plane& plane;

  std::string type_name() const override { return "Workplane"; }
  /// Methods as bound builtins (OCCT errors become GeometryError naming the method);
  /// attributes plane, objects, ctx, parent.
  script::Value get_attr(script::Interpreter& in, const std::string& name) override;
  /// `wp.plane = ...` and `wp.objects = [...]` change this workplane, as in CadQuery, where
  /// they are plain attributes (later operations on it use them); the values are copied in.
  void set_attr(script::Interpreter& in, const std::string& name,
                const script::Value& value) override;
  /// + and | union, - cut, & and * intersect.
  std::optional<script::Value> binary_op(script::BinOp op, const script::Value& rhs,
                                         bool reflected) override;
  /// CadQuery's __iter__: the shapes on the stack (compounds and sketches unpacked).
  std::optional<std::vector<script::Value>> iterate() const override;
  /// wp[i], wp[a:b]? Integer index or list of indices -> new Workplane.
  script::Value get_item(const script::Value& key) override;
  std::string repr() const override;

  /// A child with the same plane and context holding `objs` (CadQuery's newObject).
  std::shared_ptr<Workplane> new_object(std::vector<script::Value> objs) const;
  /// The solids on the stack (or on the nearest parent's stack that has any) as one
  /// compound; nullopt when there are none (CadQuery's _findType((Solid,))).
  std::optional<TopoDS_Shape> find_solid(bool search_stack = true,
                                         bool search_parents = true) const;
  /// All shapes on the stack (sketches as their placed faces).
  std::vector<TopoDS_Shape> stack_shapes() const;
  /// The faces to extrude: faces and sketches on the stack, else the pending wires.
  std::vector<TopoDS_Face> pending_faces(const std::string& what);

 private:
  using Args = script::CallArgs;
  using In = script::Interpreter;
  using V = script::Value;
  friend struct WorkplaneMethods;

  std::shared_ptr<Workplane> self() const;
  gp_Pnt find_from_point(bool local) const;
  void add_pending_edge(const TopoDS_Shape& e);
  void add_pending_wire(const TopoDS_Shape& w);
  /// Stack items as the relative locations eachpoint() works with (CadQuery's pnts).
  std::vector<gp_Trsf> point_locations() const;
  /// The world locations of `shape` placed at every stack item (eachpoint(..., True)).
  std::vector<TopoDS_Shape> place_local(const TopoDS_Shape& shape) const;
  /// CadQuery's _locs(): stack items as locations for sketches.
  std::vector<gp_Trsf> sketch_locations() const;
  V combine_with_base(const std::vector<TopoDS_Shape>& shapes, bool as_list, Combine mode,
                      bool clean, const std::string& what);
  /// Wires placed at every stack item, pending unless for construction.
  V place_wire(const TopoDS_Shape& wire, bool for_construction);
  /// Cuts `tool` (in local coordinates, drilled along -Z) at every stack item.
  V cut_each(const TopoDS_Shape& tool, bool clean, const std::string& what);
  TopoDS_Shape extrude_faces(const std::vector<TopoDS_Face>& faces, double distance, bool both,
                             double taper);
  V line_to(const gp_Pnt& local, bool for_construction);
  V three_point_arc(const gp_Pnt& p1_local, const gp_Pnt& p2_local, bool for_construction);
  V wire(bool for_construction);
  V consolidate();
  V mirror_2d(bool about_x);
  V select(TopAbs_ShapeEnum type, const V& selector, const V& tag, const std::string& what);
  V cut_blind(double depth, bool clean, bool both, double taper);
  /// CadQuery's _extrude(upToFace=...): the context solid with each pending face extruded
  /// (`additive`) or cut up to a face by BRepFeat_MakeDPrism: `until` is a Face, "next" (index
  /// 0) or "last" (-1) among the faces the line through the face's centre along the plane's
  /// normal meets (ahead of it for an extrusion, behind it for a cut; the other way when none
  /// is; an extrusion starting inside the solid goes to the next face after); `both` also
  /// extrudes the other way. ValueError as CadQuery's messages.
  TopoDS_Shape extrude_until(const script::Value& until, bool additive, bool both, double taper,
                             const std::string& what);
};

/// `cq.Workplane(inPlane='XY', origin=(0, 0, 0), obj=None)`.
script::Value make_workplane(script::Interpreter& in, script::CallArgs& args);
/// A Workplane on `plane` with an empty stack.
std::shared_ptr<Workplane> new_workplane(const Plane& plane);
/// Parses CadQuery's combine argument (True/'a', 's'/'cut', False).
Combine to_combine(const script::Value& v, const std::string& what);

}  // namespace cad::cq
