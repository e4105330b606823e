# An L bracket: a 80 x 40 x 8 base and a 8 x 40 x 60 upright, two holes in each leg.
import cadquery as cq

base = cq.Workplane("XY").box(80, 40, 8, centered=(False, True, False))
upright = cq.Workplane("XY").box(8, 40, 60, centered=(False, True, False))
bracket = base.union(upright)
bracket = bracket.faces(">Z[-2]").workplane().pushPoints([(40, 10), (60, -10)]).hole(8)
bracket = bracket.faces("<X").workplane().pushPoints([(0, 30), (0, 45)]).hole(6)
result = bracket
