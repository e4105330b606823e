# A flange: a disc with a raised hub, a bore and a bolt circle of four holes.
import cadquery as cq

disc_d = 80.0
disc_t = 10.0
hub_d = 40.0
hub_h = 15.0
bore_d = 20.0
bolt_circle = 60.0
bolt_d = 8.0

result = (
    cq.Workplane("XY")
    .circle(disc_d / 2).extrude(disc_t)
    .faces(">Z").workplane()
    .circle(hub_d / 2).extrude(hub_h)
    .faces(">Z").workplane()
    .hole(bore_d)
    .faces("<Z").workplane()
    .polarArray(bolt_circle / 2, 0, 360, 4)
    .hole(bolt_d)
)
