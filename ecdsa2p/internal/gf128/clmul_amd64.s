//go:build amd64 && !purego

#include "textflag.h"

// func mulAsm(z *[4]uint64, a, b *Element)
//
// z ^= a·b, the unreduced 255-bit carry-less product, with PCLMULQDQ (schoolbook: four
// 64×64 products). PCLMULQDQ's latency does not depend on its operands.
TEXT ·mulAsm(SB), NOSPLIT, $0-24
	MOVQ z+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVOU (SI), X0
	MOVOU (DX), X1

	MOVOU X0, X2
	PCLMULQDQ $0x00, X1, X2 // a0·b0
	MOVOU X0, X3
	PCLMULQDQ $0x11, X1, X3 // a1·b1
	MOVOU X0, X4
	PCLMULQDQ $0x01, X1, X4 // a1·b0
	MOVOU X0, X5
	PCLMULQDQ $0x10, X1, X5 // a0·b1
	PXOR X5, X4             // middle term

	MOVOU X4, X5
	PSLLDQ $8, X5           // middle << 64
	PSRLDQ $8, X4           // middle >> 64
	PXOR X5, X2             // z1:z0
	PXOR X4, X3             // z3:z2

	MOVOU (DI), X6
	PXOR X6, X2
	MOVOU X2, (DI)
	MOVOU 16(DI), X7
	PXOR X7, X3
	MOVOU X3, 16(DI)
	RET
