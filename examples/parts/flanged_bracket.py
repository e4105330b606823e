# An L bracket with rounded corners, a boss with a bore on the base and a hole in the upright.
import cadquery as cq

base = cq.Workplane("XY").box(60, 40, 8, centered=(True, True, False))
base = base.edges("|Z").fillet(6)
upright = cq.Workplane("XY").box(60, 8, 40, centered=(True, False, False)).translate((0, 12, 0))
boss = cq.Workplane("XY").center(-15, -8).circle(8).extrude(16)
part = base.union(upright).union(boss)
part = part.cut(cq.Workplane("XY").center(-15, -8).circle(4).extrude(20))
part = part.cut(cq.Workplane("XZ").center(15, 26).circle(5).extrude(-30))
result = part
